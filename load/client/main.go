// Command lean-ws-client holds many idle WebSocket connections for the load scenarios, far more
// cheaply than k6 can: one goroutine and a few hundred bytes of buffers per socket, spread over
// several loopback source addresses so the ephemeral-port range of one address is not the limit.
//
// It opens one connection per line of the token file, prints its progress as JSON lines on stdout
// (opened, failed, events received…), and holds the connections until stdin closes or it gets
// SIGINT/SIGTERM. Two protocols:
//
//	ws        plain WebSocket: <url>?access_token=<token>; the first text frame ("ready") confirms
//	          the socket; every later frame counts as an event.
//	socketio  Socket.IO 4 over Engine.IO v4, websocket transport only: the server opens with
//	          `0{...}`, the client authenticates with `40{"token":"..."}` and expects `40{...}`;
//	          `2` pings are answered with `3`; the first `42[...]` event is "ready", later ones
//	          count as events.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

type counters struct {
	dialed  atomic.Int64 // TCP + WebSocket handshake done
	opened  atomic.Int64 // confirmed by the server (ready frame)
	failed  atomic.Int64 // never confirmed: dial, handshake or auth error, or closed before ready
	closed  atomic.Int64 // closed by the server after being confirmed
	events  atomic.Int64 // frames after the ready frame
	bytes   atomic.Int64 // payload bytes of those frames
	lastErr atomic.Value // string
}

type progress struct {
	Total     int    `json:"total"`
	Dialed    int64  `json:"dialed"`
	Opened    int64  `json:"opened"`
	Failed    int64  `json:"failed"`
	Closed    int64  `json:"closed"`
	Events    int64  `json:"events"`
	Bytes     int64  `json:"bytes"`
	LastError string `json:"lastError,omitempty"`
	Final     bool   `json:"final,omitempty"`
}

func main() {
	url := flag.String("url", "", "ws://host:port/ws (ws) or ws://host:port/socket.io/?EIO=4&transport=websocket (socketio)")
	mode := flag.String("mode", "ws", "ws or socketio")
	tokensFile := flag.String("tokens", "", "file with one access token per line: one connection per line")
	local := flag.String("local", "", "comma-separated source addresses to bind, round-robin (e.g. 127.0.0.2,127.0.0.3)")
	concurrency := flag.Int("concurrency", 64, "handshakes in flight at once")
	rate := flag.Float64("rate", 0, "connection attempts per second (0 = as fast as concurrency allows)")
	interval := flag.Duration("progress", 250*time.Millisecond, "how often to print progress (only when it changed)")
	readBuffer := flag.Int("read-buffer", 512, "read buffer bytes per connection")
	timeout := flag.Duration("handshake-timeout", 30*time.Second, "dial + upgrade + ready timeout per connection")
	flag.Parse()
	if *url == "" || *tokensFile == "" || (*mode != "ws" && *mode != "socketio") {
		flag.Usage()
		os.Exit(2)
	}

	tokens, err := readTokens(*tokensFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var sources []net.IP
	for _, s := range strings.Split(*local, ",") {
		if s = strings.TrimSpace(s); s != "" {
			ip := net.ParseIP(s)
			if ip == nil {
				fmt.Fprintf(os.Stderr, "bad source address %q\n", s)
				os.Exit(2)
			}
			sources = append(sources, ip)
		}
	}

	var c counters
	out := json.NewEncoder(os.Stdout)
	var outMu sync.Mutex
	snapshot := func(final bool) progress {
		p := progress{Total: len(tokens), Dialed: c.dialed.Load(), Opened: c.opened.Load(), Failed: c.failed.Load(),
			Closed: c.closed.Load(), Events: c.events.Load(), Bytes: c.bytes.Load(), Final: final}
		if e, ok := c.lastErr.Load().(string); ok {
			p.LastError = e
		}
		return p
	}
	emit := func(p progress) {
		outMu.Lock()
		defer outMu.Unlock()
		_ = out.Encode(p)
	}

	stop := make(chan struct{})
	go func() {
		// stdin closing (the driver ending or closing our pipe) means stop.
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stop)
	}()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)

	pool := &sync.Pool{}
	dialers := make([]*websocket.Dialer, max(1, len(sources)))
	for i := range dialers {
		nd := &net.Dialer{Timeout: *timeout}
		if len(sources) > 0 {
			nd.LocalAddr = &net.TCPAddr{IP: sources[i]}
		}
		dialers[i] = &websocket.Dialer{
			NetDialContext:    nd.DialContext,
			HandshakeTimeout:  *timeout,
			ReadBufferSize:    *readBuffer,
			WriteBufferSize:   256,
			WriteBufferPool:   pool,
			EnableCompression: false,
			Proxy:             nil,
		}
	}

	go func() {
		sem := make(chan struct{}, *concurrency)
		var gap time.Duration
		if *rate > 0 {
			gap = time.Duration(float64(time.Second) / *rate)
		}
		next := time.Now()
		for i, token := range tokens {
			if gap > 0 {
				if d := time.Until(next); d > 0 {
					time.Sleep(d)
				}
				next = next.Add(gap)
			}
			sem <- struct{}{}
			go hold(dialers[i%len(dialers)], *mode, *url, token, *timeout, &c, func() { <-sem })
		}
	}()

	ticker := time.NewTicker(*interval)
	defer ticker.Stop()
	last := progress{Total: -1}
	for {
		select {
		case <-ticker.C:
			if p := snapshot(false); p != last {
				emit(p)
				last = p
			}
		case <-stop:
			emit(snapshot(true))
			os.Exit(0)
		case <-signals:
			emit(snapshot(true))
			os.Exit(0)
		}
	}
}

func readTokens(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var tokens []string
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 64*1024), 64*1024)
	for scanner.Scan() {
		if line := strings.TrimSpace(scanner.Text()); line != "" {
			tokens = append(tokens, line)
		}
	}
	return tokens, scanner.Err()
}

// hold opens one connection, releases its handshake slot once the server confirmed it (or it
// failed), then reads until the server closes it or the process exits.
func hold(dialer *websocket.Dialer, mode, url, token string, timeout time.Duration, c *counters, release func()) {
	released := false
	done := func() {
		if !released {
			released = true
			release()
		}
	}
	defer done()
	fail := func(err error) {
		c.failed.Add(1)
		c.lastErr.Store(err.Error())
	}

	target := url
	if mode == "ws" {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		target = url + sep + "access_token=" + token
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	conn, resp, err := dialer.DialContext(ctx, target, http.Header{})
	cancel()
	if err != nil {
		if resp != nil {
			err = fmt.Errorf("%w (HTTP %d)", err, resp.StatusCode)
		}
		fail(fmt.Errorf("dial: %w", err))
		return
	}
	defer conn.Close()
	c.dialed.Add(1)
	_ = conn.SetReadDeadline(time.Now().Add(timeout))

	ready := false
	if mode == "socketio" {
		if err := socketIOConnect(conn, token); err != nil {
			fail(fmt.Errorf("socket.io connect: %w", err))
			return
		}
	}
	for {
		kind, data, err := conn.ReadMessage()
		if err != nil {
			if ready {
				c.closed.Add(1)
				c.lastErr.Store(err.Error())
			} else {
				fail(fmt.Errorf("before ready: %w", err))
			}
			return
		}
		if kind != websocket.TextMessage {
			continue
		}
		if mode == "socketio" {
			if len(data) == 1 && data[0] == '2' { // Engine.IO ping
				if err := conn.WriteMessage(websocket.TextMessage, []byte{'3'}); err != nil {
					continue
				}
				continue
			}
			if len(data) < 2 || data[0] != '4' || data[1] != '2' { // not an event
				continue
			}
		}
		if !ready {
			ready = true
			c.opened.Add(1)
			_ = conn.SetReadDeadline(time.Time{})
			done()
			continue
		}
		c.events.Add(1)
		c.bytes.Add(int64(len(data)))
	}
}

// socketIOConnect does the Engine.IO open and the Socket.IO CONNECT to the main namespace with auth.
func socketIOConnect(conn *websocket.Conn, token string) error {
	_, data, err := conn.ReadMessage()
	if err != nil {
		return err
	}
	if len(data) == 0 || data[0] != '0' {
		return fmt.Errorf("expected an Engine.IO open packet, got %.40q", data)
	}
	auth, _ := json.Marshal(map[string]string{"token": token})
	if err := conn.WriteMessage(websocket.TextMessage, append([]byte("40"), auth...)); err != nil {
		return err
	}
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		switch {
		case len(data) == 1 && data[0] == '2':
			_ = conn.WriteMessage(websocket.TextMessage, []byte{'3'})
		case strings.HasPrefix(string(data), "40"):
			return nil
		case strings.HasPrefix(string(data), "44"):
			return errors.New("socket.io connect_error: " + string(data[2:]))
		}
	}
}
