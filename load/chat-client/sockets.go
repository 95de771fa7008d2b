package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// sockets holds one WebSocket per user and times every message.created frame whose text a sender stamped.
type sockets struct {
	alive    atomic.Int64
	mu       sync.Mutex
	problems map[string]int
	stats    map[string]*roundStats
	limitUs  int64
}

var createdMarker = []byte(`"message.created"`)

type frame struct {
	Type string `json:"type"`
	Data struct {
		SenderID string `json:"senderId"`
		Text     string `json:"text"`
	} `json:"data"`
}

func (s *sockets) problem(reason string) {
	s.mu.Lock()
	s.problems[reason]++
	s.mu.Unlock()
}

func (s *sockets) problemsSnapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.problems))
	for k, v := range s.problems {
		out[k] = v
	}
	return out
}

// open dials every user's socket, spread over `spread` so the gateway is not handed them all at once,
// and returns once each has been confirmed by its ready frame or has failed.
func (s *sockets) open(cfg *config, users []user, spread time.Duration) {
	dialer := &websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 512}
	var settled sync.WaitGroup
	start := time.Now()
	for i := range users {
		u := &users[i]
		at := start.Add(time.Duration(float64(spread) * float64(u.Index) / float64(max(1, cfg.Population))))
		settled.Add(1)
		go func() {
			time.Sleep(time.Until(at))
			s.hold(dialer, cfg.WSURL+"/ws?access_token="+u.Token, u.ID, settled.Done)
		}()
	}
	settled.Wait()
}

// hold keeps one socket: `settle` runs once it is confirmed or has failed; reading goes on until it closes.
func (s *sockets) hold(dialer *websocket.Dialer, url, me string, settle func()) {
	var once sync.Once
	done := func() { once.Do(settle) }
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	conn, resp, err := dialer.DialContext(ctx, url, http.Header{})
	cancel()
	if err != nil {
		if resp != nil {
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		s.problem("dial: " + err.Error())
		return
	}
	defer conn.Close()
	ready := false
	for {
		kind, data, err := conn.ReadMessage()
		if err != nil {
			if ready {
				s.alive.Add(-1)
				s.problem("closed: " + err.Error())
			} else {
				s.problem("before ready: " + err.Error())
			}
			return
		}
		if kind != websocket.TextMessage {
			continue
		}
		if !ready {
			ready = true
			s.alive.Add(1)
			done()
			continue
		}
		if bytes.Contains(data, createdMarker) {
			s.received(data, me)
		}
	}
}

// received times one message.created frame: its text is "L|<round>|<send time, Unix µs>".
func (s *sockets) received(data []byte, me string) {
	now := time.Now().UnixMicro()
	var f frame
	if json.Unmarshal(data, &f) != nil || f.Type != "message.created" || f.Data.SenderID == me {
		return
	}
	parts := strings.Split(f.Data.Text, "|")
	if len(parts) != 3 || parts[0] != "L" {
		return
	}
	stats := s.stats[parts[1]]
	sentAt, err := strconv.ParseInt(parts[2], 10, 64)
	if stats == nil || err != nil {
		return
	}
	us := now - sentAt
	stats.latency.add(us)
	stats.received.Add(1)
	if us > s.limitUs {
		stats.over.Add(1)
	}
}
