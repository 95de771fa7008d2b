package main

import (
	"math"
	"sync"
)

// histogram keeps durations in buckets 1 % wide (bucket i holds [1.01^i, 1.01^(i+1)) microseconds), so
// processes can be merged by adding counts and any percentile read back within 1 %, without keeping
// every sample. run.mjs turns the counts back into p50/p95/p99.
type histogram struct {
	mu     sync.Mutex
	counts map[int]int64
	max    float64 // milliseconds
}

var logStep = math.Log(1.01)

func newHistogram() *histogram { return &histogram{counts: map[int]int64{}} }

func (h *histogram) add(micros int64) {
	if micros < 1 {
		micros = 1
	}
	bucket := int(math.Log(float64(micros)) / logStep)
	ms := float64(micros) / 1000
	h.mu.Lock()
	h.counts[bucket]++
	if ms > h.max {
		h.max = ms
	}
	h.mu.Unlock()
}

// histogramReport is what goes to the barrier: bucket index → count, and the exact maximum.
type histogramReport struct {
	Buckets map[int]int64 `json:"buckets"`
	MaxMs   float64       `json:"maxMs"`
}

func (h *histogram) report() histogramReport {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[int]int64, len(h.counts))
	for k, v := range h.counts {
		out[k] = v
	}
	return histogramReport{Buckets: out, MaxMs: h.max}
}
