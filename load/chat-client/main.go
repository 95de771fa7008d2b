// Command chat-load is the messaging scenario's load generator (load/messaging/run.mjs): each process
// holds one WebSocket per user of its share, and through run.mjs's barrier runs the same rounds as every
// other process: HTTP baselines, then message sends at a rising rate, timing send → receive on every
// member's socket. Go instead of k6 because one k6 process holding 5 000 VUs was the run's limit (92 % of
// its core at 10 000 deliveries/s, and its own /livez baseline p99 973 ms); here a socket is one goroutine.
// With -open-loop it runs a fixed-rate GET plan instead (the history scenario; openloop.go).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

type barrierAnswer struct {
	Next    *string `json:"next"`
	StartAt int64   `json:"startAt"` // Unix ms
}

func main() {
	configFile := flag.String("config", "", "the run's config.json")
	usersFile := flag.String("users", "", "this process's users (JSON array)")
	openLoop := flag.String("open-loop", "", "instead of a messaging run: a fixed-rate GET plan (JSON), answered on stdout")
	flag.Parse()
	if *openLoop != "" {
		runOpenLoop(*openLoop)
		return
	}
	var cfg config
	var users []user
	if err := readJSON(*configFile, &cfg); err != nil {
		fail("config: %v", err)
	}
	if err := readJSON(*usersFile, &users); err != nil {
		fail("users: %v", err)
	}

	stats := newStats(cfg.Rounds)
	s := &sockets{problems: map[string]int{}, stats: stats, limitUs: int64(cfg.LimitMs * 1000)}
	s.open(&cfg, users, time.Duration(cfg.ConnectSpreadMs)*time.Millisecond)

	client := apiClient(10*time.Second, 2048)
	barrierClient := &http.Client{Timeout: 15 * time.Minute}
	answer := barrier(barrierClient, cfg.BarrierURL, "ready", roundReport{Alive: s.alive.Load(), Problems: s.problemsSnapshot()})
	for answer.Next != nil {
		key := *answer.Next
		var r *round
		for i := range cfg.Rounds {
			if cfg.Rounds[i].Key == key {
				r = &cfg.Rounds[i]
			}
		}
		if r == nil {
			fail("barrier named an unknown round %q", key)
		}
		runRound(client, &cfg, r, users, s, stats[key], time.UnixMilli(answer.StartAt))
		rep := stats[key].report()
		rep.Alive, rep.Problems = s.alive.Load(), s.problemsSnapshot()
		answer = barrier(barrierClient, cfg.BarrierURL, key, rep)
	}
}

func barrier(client *http.Client, base, name string, report roundReport) barrierAnswer {
	body, _ := json.Marshal(report)
	res, err := client.Post(base+"/barrier/"+name, "application/json", bytes.NewReader(body))
	if err != nil {
		fail("barrier %s: %v", name, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		fail("barrier %s: HTTP %d %s", name, res.StatusCode, data)
	}
	var answer barrierAnswer
	if err := json.Unmarshal(data, &answer); err != nil {
		fail("barrier %s: %v", name, err)
	}
	return answer
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "chat-load: "+format+"\n", args...)
	os.Exit(1)
}

// apiClient talks to the gateway: keep-alive connections kept for reuse (an open loop opens many at once), no gzip.
func apiClient(timeout time.Duration, idle int) *http.Client {
	return &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{MaxIdleConns: idle, MaxIdleConnsPerHost: idle, IdleConnTimeout: 5 * time.Minute, DisableCompression: true},
	}
}
