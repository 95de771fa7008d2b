package main

// What the publishing bots send: pre-made frames, never encoded at run time, the way `lk load-test`
// publishes looped files. Nobody decodes them (the SFU only parses RTP and the codec's payload header;
// the subscribing bots only count packets), so the content is noise in the right framing.

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4/pkg/media"
)

// noise is shared by every frame: frames are windows into it at shifting offsets.
var noise = func() []byte {
	b := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(12345, 67890))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}()

// opusSource sends one 20 ms Opus frame per sample: a CELT-only full-band TOC byte (config 31, mono,
// one frame) and a body of `bytes` − 1 bytes, the size a ~32 kbit/s voice stream has. Its audio level
// says "speaking", so the SFU's speaker detection works on it as on a real talker.
type opusSource struct {
	bytes int
	n     int
}

func newOpusSource(bitrate int) *opusSource {
	bytes := bitrate / 8 / 50
	if bytes < 3 {
		bytes = 3
	}
	return &opusSource{bytes: bytes}
}

func (s *opusSource) NextSample(context.Context) (media.Sample, error) {
	frame := make([]byte, s.bytes)
	frame[0] = 0xf8
	offset := (s.n * 131) % (len(noise) - s.bytes)
	copy(frame[1:], noise[offset:offset+s.bytes-1])
	s.n++
	return media.Sample{Data: frame, Duration: 20 * time.Millisecond}, nil
}

func (s *opusSource) CurrentAudioLevel() uint8 { return 30 } // −30 dBov: a voice
func (s *opusSource) OnBind() error            { return nil }
func (s *opusSource) OnUnbind() error          { return nil }
func (s *opusSource) Close() error             { return nil }

// vp8Source sends VP8 frames at `fps`, each bitrate ÷ 8 ÷ fps bytes: a key frame first, on every
// picture-loss request and every `keyEvery` frames, inter frames otherwise. The frame header is real
// (frame tag, and for a key frame the start code and the dimensions), so the SFU sees key frames and
// the picture size as it would from a browser; the rest is noise.
type vp8Source struct {
	width, height int
	bytes         int
	duration      time.Duration
	keyEvery      int
	n             int
	wantKey       atomic.Bool
}

func newVP8Source(width, height, fps, bitrate int) *vp8Source {
	bytes := bitrate / 8 / fps
	if bytes < 64 {
		bytes = 64
	}
	s := &vp8Source{width: width, height: height, bytes: bytes, duration: time.Second / time.Duration(fps), keyEvery: fps * 4}
	s.wantKey.Store(true)
	return s
}

func (s *vp8Source) requestKeyFrame() { s.wantKey.Store(true) }

func (s *vp8Source) NextSample(context.Context) (media.Sample, error) {
	frame := make([]byte, s.bytes)
	offset := (s.n * 997) % (len(noise) - s.bytes)
	copy(frame, noise[offset:offset+s.bytes])
	key := s.wantKey.Swap(false) || s.n%s.keyEvery == 0
	s.n++
	var tag uint32
	if key {
		// frame tag: key frame (bit 0 = 0), version 0, show_frame, first partition size
		tag = 1<<4 | uint32(s.bytes-10)<<5
		frame[3], frame[4], frame[5] = 0x9d, 0x01, 0x2a
		frame[6], frame[7] = byte(s.width), byte(s.width>>8)&0x3f
		frame[8], frame[9] = byte(s.height), byte(s.height>>8)&0x3f
	} else {
		tag = 1 | 1<<4 | uint32(s.bytes-3)<<5
	}
	frame[0], frame[1], frame[2] = byte(tag), byte(tag>>8), byte(tag>>16)
	return media.Sample{Data: frame, Duration: s.duration}, nil
}

func (s *vp8Source) OnBind() error   { return nil }
func (s *vp8Source) OnUnbind() error { return nil }
func (s *vp8Source) Close() error    { return nil }
