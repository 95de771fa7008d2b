// Command media-bot is the media scenario's load generator (load/media/run.mjs): one process holds a
// share of a room's participants, each a LiveKit participant whose subscribers read the RTP packets of
// every forwarded track and count them without decoding, and whose publishers send pre-made Opus or VP8
// frames (media.go), as `lk load-test` (livekit-cli) does. Decoding, which the earlier @livekit/rtc-node
// bots could not avoid, is what made one bot core saturate long before the SFU did.
//
// It is driven over stdin/stdout, one JSON object a line (logs go to stderr):
//
//	→ {"type":"start","url":"ws://127.0.0.1:…","bots":[{identity,token,publish,subscribe}],"audio":{…},"video":{…},"concurrency":8}
//	← {"type":"ready","connected":n,"failed":n,"errors":[…]}
//	→ {"type":"stats"}               ← {"type":"stats","rooms":[{identity,at,audio:{…},video:{…}}]}
//	→ {"type":"subscribe","on":false} ← {"type":"subscribed","tracks":n}
//	→ {"type":"stop"}                ← {"type":"stopped"}, then it exits
//
// It also exits, leaving the room, when stdin closes (the parent is gone).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"
)

type command struct {
	Type        string      `json:"type"`
	URL         string      `json:"url"`
	Bots        []botSpec   `json:"bots"`
	Concurrency int         `json:"concurrency"`
	On          bool        `json:"on"`
	Media       mediaConfig `json:"media"`
}

var (
	out   *json.Encoder
	outMu sync.Mutex
)

func reply(v any) {
	outMu.Lock()
	defer outMu.Unlock()
	_ = out.Encode(v)
}

func main() {
	// The protocol gets its own copy of stdout; fd 1 then points at stderr, so nothing a library prints
	// can end up in the middle of a reply.
	fd, err := syscall.Dup(1)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dup stdout:", err)
		os.Exit(1)
	}
	_ = syscall.Dup3(2, 1, 0)
	out = json.NewEncoder(os.NewFile(uintptr(fd), "protocol"))

	// MEDIA_BOT_CPU_PROFILE=<dir>: a CPU profile of the whole run, written when the process stops
	// (go tool pprof -top <binary> <file>).
	if dir := os.Getenv("MEDIA_BOT_CPU_PROFILE"); dir != "" {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("media-bot-%d.pprof", os.Getpid())))
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer func() { pprof.StopCPUProfile(); _ = f.Close() }()
		}
	}

	var (
		bots []*participant
		mu   sync.Mutex
	)
	all := func() []*participant {
		mu.Lock()
		defer mu.Unlock()
		return append([]*participant(nil), bots...)
	}
	stop := func() {
		var wg sync.WaitGroup
		for _, b := range all() {
			wg.Add(1)
			go func() { defer wg.Done(); b.close() }()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	}

	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		var cmd command
		if err := json.Unmarshal(in.Bytes(), &cmd); err != nil {
			reply(map[string]any{"type": "error", "error": err.Error()})
			continue
		}
		switch cmd.Type {
		case "start":
			joined, errs := start(cmd)
			mu.Lock()
			bots = append(bots, joined...)
			mu.Unlock()
			if len(errs) > 5 {
				errs = errs[:5]
			}
			reply(map[string]any{"type": "ready", "connected": len(joined), "failed": len(cmd.Bots) - len(joined), "errors": errs})
		case "stats":
			rooms := []roomStats{}
			for _, b := range all() {
				if b.spec.Subscribe {
					rooms = append(rooms, b.stats())
				}
			}
			reply(map[string]any{"type": "stats", "rooms": rooms})
		case "subscribe":
			tracks := 0
			for _, b := range all() {
				if b.spec.Subscribe {
					tracks += b.setSubscribed(cmd.On)
				}
			}
			reply(map[string]any{"type": "subscribed", "tracks": tracks})
		case "stop":
			stop()
			reply(map[string]any{"type": "stopped"})
			return // (the deferred profile is written)
		default:
			reply(map[string]any{"type": "error", "error": "unknown command " + cmd.Type})
		}
	}
	stop()
}

// start joins the bots, `concurrency` at a time; it returns those that joined and why the others did not.
func start(cmd command) ([]*participant, []string) {
	concurrency := cmd.Concurrency
	if concurrency <= 0 {
		concurrency = 8
	}
	var (
		mu     sync.Mutex
		joined []*participant
		errs   = []string{}
		next   = make(chan botSpec)
		wg     sync.WaitGroup
	)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for spec := range next {
				p := newParticipant(spec, &cmd.Media)
				err := p.join(cmd.URL, 20*time.Second)
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Sprintf("%s: %v", spec.Identity, err))
					go p.close()
				} else {
					joined = append(joined, p)
				}
				mu.Unlock()
			}
		}()
	}
	for _, spec := range cmd.Bots {
		next <- spec
	}
	close(next)
	wg.Wait()
	return joined, errs
}
