package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"time"
)

// request is one scheduled request of a round: when, and as whom.
type request struct {
	at   time.Time
	user *user
	seq  int
}

// schedule is this process's share of a round: slot j of the round's participants fires at
// start + j/rate and every participants/rate after, so the whole population together issues `rate`
// requests per second, evenly spaced (the same schedule the k6 script used).
func schedule(cfg *config, r *round, users []user, start, end time.Time) []request {
	var out []request
	for i := range users {
		u := &users[i]
		slot, participants := u.Index, cfg.Population
		if r.Kind == "send" {
			var chat string
			chat, slot = u.chatIn(r.Group)
			participants = cfg.Senders[r.Group]
			if chat == "" || slot < 0 {
				continue
			}
		}
		rotated := (slot + r.Offset) % participants
		every := time.Duration(float64(participants) / r.Rate * float64(time.Second))
		seq := 0
		for at := start.Add(time.Duration(float64(rotated) / r.Rate * float64(time.Second))); at.Before(end); at = at.Add(every) {
			out = append(out, request{at: at, user: u, seq: seq})
			seq++
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].at.Before(out[b].at) })
	return out
}

// runRound fires the round's requests on schedule, each in its own goroutine (open loop: a slow answer
// never delays the next request), and returns once the step is over and its drain time has passed.
func runRound(client *http.Client, cfg *config, r *round, users []user, s *sockets, stats *roundStats, start time.Time) {
	end := start.Add(time.Duration(cfg.StepMs) * time.Millisecond)
	for _, q := range schedule(cfg, r, users, start, end) {
		time.Sleep(time.Until(q.at))
		if s.alive.Load() == 0 {
			stats.errors.Add(1)
			continue
		}
		stats.inflight.Add(1)
		go fire(client, cfg, r, q, stats)
	}
	time.Sleep(time.Until(end.Add(time.Duration(cfg.DrainMs) * time.Millisecond)))
}

func fire(client *http.Client, cfg *config, r *round, q request, stats *roundStats) {
	var req *http.Request
	if r.Kind == "send" {
		chat, _ := q.user.chatIn(r.Group)
		body, _ := json.Marshal(map[string]string{
			"text":     fmt.Sprintf("L|%s|%d", r.Key, time.Now().UnixMicro()),
			"clientId": fmt.Sprintf("%d-%s-%d", q.user.Index, r.Key, q.seq),
		})
		req, _ = http.NewRequest(http.MethodPost, cfg.APIURL+"/api/chats/"+chat+"/messages", bytes.NewReader(body))
		req.Header.Set("authorization", "Bearer "+q.user.Token)
		req.Header.Set("content-type", "application/json")
	} else {
		req, _ = http.NewRequest(http.MethodGet, cfg.APIURL+r.Path, nil)
	}
	began := time.Now()
	res, err := client.Do(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	stats.request.add(time.Since(began).Microseconds())
	stats.inflight.Add(-1)
	if err != nil || res.StatusCode < 200 || res.StatusCode >= 300 {
		stats.errors.Add(1)
		return
	}
	stats.sent.Add(1)
}
