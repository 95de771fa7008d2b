package main

import "sync/atomic"

// roundStats is what one process saw of one round: its own sends and what its sockets received.
type roundStats struct {
	sent, errors, inflight atomic.Int64
	received, over         atomic.Int64
	latency                *histogram // send → receive on a member's socket
	request                *histogram // the HTTP request, as its sender saw it
}

func newStats(rounds []round) map[string]*roundStats {
	out := make(map[string]*roundStats, len(rounds))
	for _, r := range rounds {
		out[r.Key] = &roundStats{latency: newHistogram(), request: newHistogram()}
	}
	return out
}

// roundReport is one process's report to the barrier at the end of a round.
type roundReport struct {
	Sent     int64           `json:"sent"`
	Errors   int64           `json:"errors"`
	Inflight int64           `json:"inflight"`
	Received int64           `json:"received"`
	Over     int64           `json:"over"`
	Alive    int64           `json:"alive"`
	Problems map[string]int  `json:"problems"`
	Latency  histogramReport `json:"latency"`
	Request  histogramReport `json:"request"`
}

func (s *roundStats) report() roundReport {
	return roundReport{
		Sent: s.sent.Load(), Errors: s.errors.Load(), Inflight: s.inflight.Load(),
		Received: s.received.Load(), Over: s.over.Load(),
		Latency: s.latency.report(), Request: s.request.report(),
	}
}
