package main

// Receive counters of one subscribed track, kept as the packets are read (nothing is decoded): packets,
// bytes, loss from the sequence numbers, RTP jitter (RFC 3550), and for video the frames (marker bits).

import (
	"encoding/binary"
	"sync"
	"time"
)

type stream struct {
	kind      string // "audio" | "video"
	clockRate float64

	mu        sync.Mutex
	active    bool
	packets   int64
	bytes     int64
	frames    int64
	started   bool
	baseSeq   int64 // extended sequence numbers
	maxSeq    int64
	lastTrans float64 // arrival − RTP timestamp, in RTP units
	jitter    float64 // in RTP units
}

// record counts one RTP packet (raw, as read off the track) received at `now`.
func (s *stream) record(pkt []byte, now time.Time) {
	if len(pkt) < 12 {
		return
	}
	seq := int64(binary.BigEndian.Uint16(pkt[2:4]))
	ts := binary.BigEndian.Uint32(pkt[4:8])
	marker := pkt[1]&0x80 != 0
	arrival := float64(now.UnixNano()) * s.clockRate / 1e9

	s.mu.Lock()
	s.packets++
	s.bytes += int64(len(pkt))
	if marker {
		s.frames++
	}
	if !s.started {
		s.started = true
		s.baseSeq, s.maxSeq = seq, seq
		s.lastTrans = arrival - float64(ts)
	} else {
		// extend the 16-bit sequence number around the highest seen so far
		ext := s.maxSeq&^0xffff | seq
		switch {
		case ext < s.maxSeq-0x8000:
			ext += 0x10000
		case ext > s.maxSeq+0x8000:
			ext -= 0x10000
		}
		if ext > s.maxSeq {
			s.maxSeq = ext
		}
		// RFC 3550 A.8, with the transit difference taken modulo the 32-bit timestamp
		transit := arrival - float64(ts)
		d := transit - s.lastTrans
		for d > 1<<31 {
			d -= 1 << 32
		}
		for d < -(1 << 31) {
			d += 1 << 32
		}
		if d < 0 {
			d = -d
		}
		s.jitter += (d - s.jitter) / 16
		s.lastTrans = transit
	}
	s.mu.Unlock()
}

type kindStats struct {
	Streams int       `json:"streams"`
	Packets int64     `json:"packets"`
	Bytes   int64     `json:"bytes"`
	Lost    int64     `json:"lost"`
	Frames  int64     `json:"frames"`
	Jitters []float64 `json:"jitters"` // ms, one per active stream
}

// add adds this stream's totals (ended streams keep counting toward them, so deltas never go back).
func (s *stream) add(k *kindStats) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k.Packets += s.packets
	k.Bytes += s.bytes
	k.Frames += s.frames
	if s.started {
		if lost := s.maxSeq - s.baseSeq + 1 - s.packets; lost > 0 {
			k.Lost += lost
		}
	}
	if s.active {
		k.Streams++
		if s.started {
			k.Jitters = append(k.Jitters, s.jitter/s.clockRate*1000)
		}
	}
}
