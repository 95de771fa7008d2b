package main

// One participant: LiveKit's signalling from the Go SDK (its WebSocket transport, message builders and
// dispatch), and the two peer connections LiveKit's protocol uses (subscriber: the SFU offers; publisher:
// we offer), built here the way the SDK's PCTransport builds them (same codecs, header extensions, RTCP
// feedback and interceptors) but with an ICE setting the SDK does not expose: host candidates on
// 127.0.0.1 only. pion skips loopback addresses unless told otherwise, so the SDK's own Room would offer
// this machine's other interface as its only candidate, and no test traffic may go there.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/livekit/protocol/livekit"
	"github.com/livekit/protocol/logger"
	protosignalling "github.com/livekit/protocol/signalling"
	lksdk "github.com/livekit/server-sdk-go/v2"
	sdkinterceptor "github.com/livekit/server-sdk-go/v2/pkg/interceptor"
	"github.com/livekit/server-sdk-go/v2/signalling"
	"github.com/pion/dtls/v3"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/interceptor/pkg/twcc"
	"github.com/pion/logging"
	"github.com/pion/rtcp"
	"github.com/pion/sdp/v3"
	"github.com/pion/transport/v4"
	"github.com/pion/transport/v4/stdnet"
	"github.com/pion/webrtc/v4"
)

type botSpec struct {
	Identity  string `json:"identity"`
	Token     string `json:"token"`
	Publish   string `json:"publish"` // "audio", "video" or ""
	Subscribe bool   `json:"subscribe"`
}

type mediaConfig struct {
	Audio struct {
		Bitrate int `json:"bitrate"`
	} `json:"audio"`
	Video struct {
		Width   int `json:"width"`
		Height  int `json:"height"`
		FPS     int `json:"fps"`
		Bitrate int `json:"bitrate"`
	} `json:"video"`
}

var loopback = net.IPv4(127, 0, 0, 1)

// receiveBuffer is each peer connection's UDP receive buffer. A subscriber gets the packets of every
// track it receives in bursts (the SFU forwards a publisher's frame to everyone at once), and when the
// bots' shared core is busy elsewhere for a few milliseconds the kernel's default (~200 KB, ~90 video
// packets) overflows: the packets are lost, NACKed and sent again, which is extra load on the SFU that
// a real client would not cause. 4 MB absorbs over a second of a subscriber's traffic.
const receiveBuffer = 4 << 20

// bigBufferNet is the standard network with that receive buffer on every UDP socket ICE opens
// (SO_RCVBUFFORCE as root, else SO_RCVBUF up to net.core.rmem_max).
type bigBufferNet struct{ *stdnet.Net }

func enlarge(c any) {
	conn, ok := c.(syscall.Conn)
	if !ok {
		return
	}
	raw, err := conn.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		if syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, receiveBuffer) != nil {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, receiveBuffer)
		}
	})
}

func (n bigBufferNet) ListenUDP(network string, addr *net.UDPAddr) (transport.UDPConn, error) {
	c, err := n.Net.ListenUDP(network, addr)
	if err == nil {
		enlarge(c)
	}
	return c, err
}

func (n bigBufferNet) ListenPacket(network, address string) (net.PacketConn, error) {
	c, err := n.Net.ListenPacket(network, address)
	if err == nil {
		enlarge(c)
	}
	return c, err
}

var udpNet = func() transport.Net {
	n, err := stdnet.NewNet()
	if err != nil {
		fmt.Fprintln(os.Stderr, "network interfaces:", err)
		os.Exit(1)
	}
	return bigBufferNet{n}
}()

var pionLogs = func() *logging.DefaultLoggerFactory {
	f := logging.NewDefaultLoggerFactory()
	f.Writer = os.Stderr
	f.DefaultLogLevel = logging.LogLevelError
	return f
}()

// newPeerConnection: the SDK's PCTransport media engine and interceptors, with ICE pinned to loopback and
// no ICE servers at all (LiveKit's node_ip keeps STUN out of its answer anyway; this makes sure).
func newPeerConnection() (*webrtc.PeerConnection, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	exts := []struct {
		uri   string
		kinds []webrtc.RTPCodecType
	}{
		{sdp.AudioLevelURI, []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio}},
		{sdp.SDESMidURI, []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo}},
		{sdp.SDESRTPStreamIDURI, []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo}},
		{"http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time", []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo}},
		{sdp.TransportCCURI, []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo}},
	}
	for _, e := range exts {
		for _, kind := range e.kinds {
			if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: e.uri}, kind); err != nil {
				return nil, err
			}
		}
	}
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack"}, webrtc.RTPCodecTypeVideo)
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack", Parameter: "pli"}, webrtc.RTPCodecTypeVideo)
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: webrtc.TypeRTCPFBTransportCC}, webrtc.RTPCodecTypeVideo)
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: webrtc.TypeRTCPFBTransportCC}, webrtc.RTPCodecTypeAudio)

	i := &interceptor.Registry{}
	i.Add(&sdkinterceptor.NackGeneratorInterceptorFactory{})
	responder, err := nack.NewResponderInterceptor()
	if err != nil {
		return nil, err
	}
	i.Add(responder)
	if err := webrtc.ConfigureRTCPReports(i); err != nil {
		return nil, err
	}
	twccGenerator, err := twcc.NewSenderInterceptor()
	if err != nil {
		return nil, err
	}
	i.Add(twccGenerator)
	i.Add(sdkinterceptor.NewLimitSizeInterceptorFactory())

	se := webrtc.SettingEngine{LoggerFactory: pionLogs}
	se.SetSRTPProtectionProfiles(dtls.SRTP_AEAD_AES_128_GCM, dtls.SRTP_AES128_CM_HMAC_SHA1_80)
	se.SetDTLSRetransmissionInterval(100 * time.Millisecond)
	se.SetICETimeouts(10*time.Second, 5*time.Second, 2*time.Second)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.Equal(loopback) })
	se.SetRemoteIPFilter(func(ip net.IP) bool { return ip.Equal(loopback) })
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetNet(udpNet)

	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(i))
	return api.NewPeerConnection(webrtc.Configuration{})
}

type participant struct {
	spec  botSpec
	media *mediaConfig
	log   logger.Logger

	sig       signalling.Signalling
	transport signalling.SignalTransport

	mu          sync.Mutex
	sub, pub    *webrtc.PeerConnection
	pendingSub  []webrtc.ICECandidateInit
	pendingPub  []webrtc.ICECandidateInit
	published   map[string]chan *livekit.TrackPublishedResponse
	selfSID     string
	remote      map[string][]string // participant sid → its track sids
	streams     []*stream
	localTracks []*lksdk.LocalTrack

	connected     chan struct{}
	connectedOnce sync.Once
	closed        atomic.Bool
}

func newParticipant(spec botSpec, media *mediaConfig) *participant {
	p := &participant{
		spec:      spec,
		media:     media,
		log:       logger.GetDiscardLogger(),
		published: map[string]chan *livekit.TrackPublishedResponse{},
		remote:    map[string][]string{},
		connected: make(chan struct{}),
	}
	p.sig = signalling.NewSignalling(signalling.SignallingParams{Logger: p.log})
	p.transport = signalling.NewSignalTransportWebSocket(signalling.SignalTransportWebSocketParams{
		Logger:                 p.log,
		Version:                lksdk.Version,
		Protocol:               lksdk.PROTOCOL,
		Signalling:             p.sig,
		SignalTransportHandler: p,
		SignalHandler:          signalling.NewSignalHandler(signalling.SignalHandlerParams{Logger: p.log, Processor: p}),
	})
	return p
}

// join connects, publishes its track if it has one, and returns once a peer connection is up.
func (p *participant) join(url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	sub, err := newPeerConnection()
	if err != nil {
		return err
	}
	p.watch(sub, livekit.SignalTarget_SUBSCRIBER)
	sub.OnTrack(p.onTrack)
	p.mu.Lock()
	p.sub = sub
	p.mu.Unlock()

	params := signalling.ConnectParams{AutoSubscribe: p.spec.Subscribe, ConnectTimeout: timeout}
	if err := p.transport.Join(ctx, url, p.spec.Token, params, nil, webrtc.SessionDescription{}); err != nil {
		return fmt.Errorf("signal: %w", err)
	}
	p.transport.Start()
	switch p.spec.Publish {
	case "audio", "video":
		if err := p.publish(ctx, p.spec.Publish); err != nil {
			return fmt.Errorf("publish %s: %w", p.spec.Publish, err)
		}
	}
	select {
	case <-p.connected:
		return nil
	case <-ctx.Done():
		return errors.New("no peer connection came up in time")
	}
}

func (p *participant) watch(pc *webrtc.PeerConnection, target livekit.SignalTarget) {
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil || p.closed.Load() {
			return
		}
		_ = p.transport.SendMessage(p.sig.SignalICECandidate(protosignalling.ToProtoTrickle(c.ToJSON(), target, false)))
	})
	pc.OnConnectionStateChange(func(state webrtc.PeerConnectionState) {
		if state == webrtc.PeerConnectionStateConnected {
			p.connectedOnce.Do(func() { close(p.connected) })
		}
	})
}

func (p *participant) publish(ctx context.Context, kind string) error {
	pc, err := newPeerConnection()
	if err != nil {
		return err
	}
	p.watch(pc, livekit.SignalTarget_PUBLISHER)
	p.mu.Lock()
	p.pub = pc
	p.mu.Unlock()

	var (
		track    *lksdk.LocalTrack
		provider lksdk.SampleProvider
		req      *livekit.AddTrackRequest
	)
	switch kind {
	case "audio":
		track, err = lksdk.NewLocalTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"})
		provider = newOpusSource(p.media.Audio.Bitrate)
		req = &livekit.AddTrackRequest{Name: "microphone", Type: livekit.TrackType_AUDIO, Source: livekit.TrackSource_MICROPHONE, DisableDtx: true}
	default:
		v := p.media.Video
		source := newVP8Source(v.Width, v.Height, v.FPS, v.Bitrate)
		provider = source
		track, err = lksdk.NewLocalTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
			lksdk.WithRTCPHandler(func(packet rtcp.Packet) {
				switch packet.(type) {
				case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
					source.requestKeyFrame()
				}
			}))
		req = &livekit.AddTrackRequest{
			Name: "camera", Type: livekit.TrackType_VIDEO, Source: livekit.TrackSource_CAMERA,
			Width: uint32(v.Width), Height: uint32(v.Height),
			Layers: []*livekit.VideoLayer{{Quality: livekit.VideoQuality_HIGH, Width: uint32(v.Width), Height: uint32(v.Height), Bitrate: uint32(v.Bitrate)}},
		}
	}
	if err != nil {
		return err
	}
	if _, err := pc.AddTrack(track); err != nil {
		return err
	}
	if err := track.StartWrite(provider, nil); err != nil {
		return err
	}
	req.Cid = track.ID()
	answered := make(chan *livekit.TrackPublishedResponse, 1)
	p.mu.Lock()
	p.published[req.Cid] = answered
	p.localTracks = append(p.localTracks, track)
	p.mu.Unlock()
	if err := p.transport.SendMessage(p.sig.SignalAddTrack(req)); err != nil {
		return err
	}
	select {
	case <-answered:
	case <-ctx.Done():
		return errors.New("no TrackPublished response")
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return err
	}
	if err := pc.SetLocalDescription(offer); err != nil {
		return err
	}
	return p.transport.SendMessage(p.sig.SignalSdpOffer(protosignalling.ToProtoSessionDescription(offer, 1, nil)))
}

// onTrack reads a subscribed track's RTP packets and counts them; nothing is depacketized or decoded.
func (p *participant) onTrack(track *webrtc.TrackRemote, receiver *webrtc.RTPReceiver) {
	kind := "audio"
	if track.Kind() == webrtc.RTPCodecTypeVideo {
		kind = "video"
	}
	s := &stream{kind: kind, clockRate: float64(track.Codec().ClockRate), active: true}
	if s.clockRate == 0 {
		s.clockRate = 90000
	}
	p.mu.Lock()
	p.streams = append(p.streams, s)
	p.mu.Unlock()
	// RTCP from the SFU (sender reports) goes through the interceptors only when read.
	go func() {
		buf := make([]byte, 1500)
		for {
			if _, _, err := receiver.Read(buf); err != nil {
				return
			}
		}
	}()
	buf := make([]byte, 1500)
	for {
		n, _, err := track.Read(buf)
		if err != nil {
			break
		}
		s.record(buf[:n], time.Now())
	}
	s.mu.Lock()
	s.active = false
	s.mu.Unlock()
}

// setSubscribed asks the SFU to forward (or stop forwarding) every track of the other participants.
func (p *participant) setSubscribed(on bool) int {
	p.mu.Lock()
	var sids []string
	for _, tracks := range p.remote {
		sids = append(sids, tracks...)
	}
	p.mu.Unlock()
	if len(sids) == 0 {
		return 0
	}
	_ = p.transport.SendMessage(p.sig.SignalUpdateSubscription(&livekit.UpdateSubscription{TrackSids: sids, Subscribe: on}))
	return len(sids)
}

type roomStats struct {
	Identity string     `json:"identity"`
	At       float64    `json:"at"` // Unix ms
	Audio    *kindStats `json:"audio,omitempty"`
	Video    *kindStats `json:"video,omitempty"`
}

func (p *participant) stats() roomStats {
	p.mu.Lock()
	streams := append([]*stream(nil), p.streams...)
	p.mu.Unlock()
	out := roomStats{Identity: p.spec.Identity, At: float64(time.Now().UnixNano()) / 1e6}
	for _, s := range streams {
		k := &out.Audio
		if s.kind == "video" {
			k = &out.Video
		}
		if *k == nil {
			*k = &kindStats{Jitters: []float64{}}
		}
		s.add(*k)
	}
	return out
}

func (p *participant) close() {
	if p.closed.Swap(true) {
		return
	}
	_ = p.transport.SendMessage(p.sig.SignalLeaveRequest(&livekit.LeaveRequest{Reason: livekit.DisconnectReason_CLIENT_INITIATED}))
	p.transport.Close()
	p.mu.Lock()
	pcs := []*webrtc.PeerConnection{p.sub, p.pub}
	tracks := p.localTracks
	p.mu.Unlock()
	for _, t := range tracks {
		_ = t.Close()
	}
	for _, pc := range pcs {
		if pc != nil {
			_ = pc.Close()
		}
	}
}

// --- signalling.SignalProcessor ---

func (p *participant) OnJoinResponse(res *livekit.JoinResponse) error {
	p.mu.Lock()
	p.selfSID = res.GetParticipant().GetSid()
	p.mu.Unlock()
	p.OnParticipantUpdate(res.GetOtherParticipants())
	return nil
}

func (p *participant) OnOffer(sd webrtc.SessionDescription, offerID uint32, _ map[string]string) {
	p.mu.Lock()
	pc := p.sub
	p.mu.Unlock()
	if pc == nil || p.closed.Load() {
		return
	}
	if err := pc.SetRemoteDescription(sd); err != nil {
		fmt.Fprintf(os.Stderr, "%s: subscriber offer: %v\n", p.spec.Identity, err)
		return
	}
	p.flushCandidates(pc, &p.pendingSub)
	answer, err := pc.CreateAnswer(nil)
	if err == nil {
		err = pc.SetLocalDescription(answer)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: subscriber answer: %v\n", p.spec.Identity, err)
		return
	}
	_ = p.transport.SendMessage(p.sig.SignalSdpAnswer(protosignalling.ToProtoSessionDescription(answer, offerID, nil)))
}

func (p *participant) OnAnswer(sd webrtc.SessionDescription, _ uint32, _ map[string]string) {
	p.mu.Lock()
	pc := p.pub
	p.mu.Unlock()
	if pc == nil || p.closed.Load() {
		return
	}
	if err := pc.SetRemoteDescription(sd); err != nil {
		fmt.Fprintf(os.Stderr, "%s: publisher answer: %v\n", p.spec.Identity, err)
		return
	}
	p.flushCandidates(pc, &p.pendingPub)
}

func (p *participant) flushCandidates(pc *webrtc.PeerConnection, pending *[]webrtc.ICECandidateInit) {
	p.mu.Lock()
	list := *pending
	*pending = nil
	p.mu.Unlock()
	for _, c := range list {
		_ = pc.AddICECandidate(c)
	}
}

func (p *participant) OnTrickle(init webrtc.ICECandidateInit, target livekit.SignalTarget) {
	p.mu.Lock()
	pc, pending := p.sub, &p.pendingSub
	if target == livekit.SignalTarget_PUBLISHER {
		pc, pending = p.pub, &p.pendingPub
	}
	if pc == nil || pc.RemoteDescription() == nil {
		*pending = append(*pending, init)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	_ = pc.AddICECandidate(init)
}

func (p *participant) OnParticipantUpdate(infos []*livekit.ParticipantInfo) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, info := range infos {
		if info.GetSid() == p.selfSID || info.GetIdentity() == p.spec.Identity {
			continue
		}
		if info.GetState() == livekit.ParticipantInfo_DISCONNECTED {
			delete(p.remote, info.GetSid())
			continue
		}
		tracks := make([]string, 0, len(info.GetTracks()))
		for _, t := range info.GetTracks() {
			tracks = append(tracks, t.GetSid())
		}
		p.remote[info.GetSid()] = tracks
	}
}

func (p *participant) OnLocalTrackPublished(res *livekit.TrackPublishedResponse) {
	p.mu.Lock()
	ch := p.published[res.GetCid()]
	p.mu.Unlock()
	if ch != nil {
		select {
		case ch <- res:
		default:
		}
	}
}

func (p *participant) OnTransportClose() {}

func (p *participant) OnReconnectResponse(*livekit.ReconnectResponse) error             { return nil }
func (p *participant) OnLocalTrackUnpublished(*livekit.TrackUnpublishedResponse)        {}
func (p *participant) OnSpeakersChanged([]*livekit.SpeakerInfo)                         {}
func (p *participant) OnConnectionQuality([]*livekit.ConnectionQualityInfo)             {}
func (p *participant) OnRoomUpdate(*livekit.Room)                                       {}
func (p *participant) OnRoomMoved(*livekit.RoomMovedResponse)                           {}
func (p *participant) OnTrackRemoteMuted(*livekit.MuteTrackRequest)                     {}
func (p *participant) OnTokenRefresh(string)                                            {}
func (p *participant) OnLeave(*livekit.LeaveRequest)                                    {}
func (p *participant) OnLocalTrackSubscribed(*livekit.TrackSubscribed)                  {}
func (p *participant) OnSubscribedQualityUpdate(*livekit.SubscribedQualityUpdate)       {}
func (p *participant) OnSubscribedAudioCodecUpdate(*livekit.SubscribedAudioCodecUpdate) {}
func (p *participant) OnMediaSectionsRequirement(*livekit.MediaSectionsRequirement)     {}
