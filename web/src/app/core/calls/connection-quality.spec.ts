import { ConnectionQuality, Track, type Participant, type Room } from 'livekit-client';
import {
  describeConnection,
  describeParticipants,
  localSampleFrom,
  LOWERED_RESOLUTION_RATIO,
  PACKET_LOSS_POOR,
  remoteSampleOf,
  ROUND_TRIP_POOR_S,
  sampleQuality,
  type LocalQualitySample,
} from './connection-quality';

const local = (overrides: Partial<LocalQualitySample> = {}): LocalQualitySample => ({
  kind: 'local',
  limitation: 'none',
  sentHeight: 720,
  targetHeight: 720,
  roundTripTime: 0.05,
  packetLoss: 0,
  inbound: null,
  ...overrides,
});

/** A stats report as the browser gives it: a map of stats by id. */
const report = (...stats: Record<string, unknown>[]): RTCStatsReport =>
  new Map(stats.map((s, i) => [String(s['id'] ?? `s${i}`), { id: `s${i}`, ...s }])) as unknown as RTCStatsReport;

describe('connection quality: level', () => {
  it.each([
    [ConnectionQuality.Excellent, 'good'],
    [ConnectionQuality.Good, 'good'],
    [ConnectionQuality.Unknown, 'good'],
    [ConnectionQuality.Poor, 'poor'],
    [ConnectionQuality.Lost, 'lost'],
  ] as const)('LiveKit %s reads as %s', (quality, level) => {
    expect(describeConnection(quality)).toEqual({ level, reason: null, action: null });
  });
});

describe('connection quality: reasons on a poor connection', () => {
  const poor = (sample: Partial<LocalQualitySample>) => describeConnection(ConnectionQuality.Poor, local(sample));

  it('names packet loss from exactly the threshold on, not just below it', () => {
    expect(PACKET_LOSS_POOR).toBe(0.05);
    expect(poor({ packetLoss: 0.05 }).reason).toBe('packet-loss');
    expect(poor({ packetLoss: 0.0499 }).reason).toBeNull();
  });

  it('names high latency from a round trip of exactly 300 ms on, not just below it', () => {
    expect(ROUND_TRIP_POOR_S).toBe(0.3);
    expect(poor({ roundTripTime: 0.3 }).reason).toBe('high-latency');
    expect(poor({ roundTripTime: 0.299 }).reason).toBeNull();
  });

  it('puts loss before latency, and both before the encoder’s limits', () => {
    expect(poor({ packetLoss: 0.1, roundTripTime: 0.5, limitation: 'bandwidth' }).reason).toBe('packet-loss');
    expect(poor({ roundTripTime: 0.5, limitation: 'cpu' }).reason).toBe('high-latency');
  });

  it('names the encoder’s limit when the network numbers are fine, bandwidth before CPU', () => {
    expect(poor({ limitation: 'bandwidth' }).reason).toBe('bandwidth-limited');
    expect(poor({ limitation: 'cpu' }).reason).toBe('cpu-limited');
    expect(poor({ limitation: 'other' }).reason).toBeNull();
  });

  it('says nothing it did not measure', () => {
    expect(poor({ packetLoss: null, roundTripTime: null, limitation: null, sentHeight: null, targetHeight: null })).toEqual({ level: 'poor', reason: null, action: null });
  });

  it('explains a lost connection with the same rules', () => {
    expect(describeConnection(ConnectionQuality.Lost, local({ packetLoss: 0.3 }))).toEqual({ level: 'lost', reason: 'packet-loss', action: null });
  });
});

describe('connection quality: on a good connection', () => {
  const good = (sample: Partial<LocalQualitySample>) => describeConnection(ConnectionQuality.Excellent, local(sample));

  it('does not worry the user with a moment’s loss or delay', () => {
    expect(good({ packetLoss: 0.2, roundTripTime: 0.8 })).toEqual({ level: 'good', reason: null, action: null });
  });

  it('still says why the video was lowered (a busy CPU lowers it on any network)', () => {
    expect(good({ limitation: 'cpu', sentHeight: 540 })).toEqual({ level: 'good', reason: 'cpu-limited', action: 'lowered-video-quality' });
  });

  it('does not name a limit that changed nothing', () => {
    expect(good({ limitation: 'cpu' })).toEqual({ level: 'good', reason: null, action: null });
  });
});

describe('connection quality: actions on our own video', () => {
  const action = (sample: Partial<LocalQualitySample>) => describeConnection(ConnectionQuality.Good, local(sample)).action;

  it('calls the video lowered when the sent picture is smaller than 90% of the intended one, and not at 90%', () => {
    expect(LOWERED_RESOLUTION_RATIO).toBe(0.9);
    expect(action({ limitation: 'bandwidth', targetHeight: 720, sentHeight: 647 })).toBe('lowered-video-quality');
    expect(action({ limitation: 'bandwidth', targetHeight: 720, sentHeight: 648 })).toBeNull();
  });

  it('calls it paused when the encoder is limited and no layer sends frames', () => {
    expect(action({ limitation: 'bandwidth', sentHeight: null })).toBe('paused-video');
    expect(action({ limitation: 'cpu', sentHeight: 0 })).toBe('paused-video');
  });

  it('ignores smaller or stopped layers the encoder does not blame on CPU or bandwidth (dynacast, nobody watching)', () => {
    expect(action({ limitation: 'none', sentHeight: 180 })).toBeNull();
    expect(action({ limitation: 'other', sentHeight: null })).toBeNull();
    expect(action({ limitation: null, sentHeight: null, targetHeight: null })).toBeNull();
  });

  it('cannot call a video lowered without knowing its intended size', () => {
    expect(action({ limitation: 'bandwidth', sentHeight: 360, targetHeight: null })).toBeNull();
  });
});

describe('connection quality: remote participants', () => {
  it('a video the server paused for us reads as paused for lack of bandwidth', () => {
    expect(describeConnection(ConnectionQuality.Poor, { kind: 'remote', videoPaused: true })).toEqual({ level: 'poor', reason: 'bandwidth-limited', action: 'paused-video' });
    expect(describeConnection(ConnectionQuality.Good, { kind: 'remote', videoPaused: true })).toEqual({ level: 'good', reason: 'bandwidth-limited', action: 'paused-video' });
  });

  it('otherwise only their level is known', () => {
    expect(describeConnection(ConnectionQuality.Poor, { kind: 'remote', videoPaused: false })).toEqual({ level: 'poor', reason: null, action: null });
  });

  it('reads the pause from their video publications’ stream state', () => {
    const participant = (...states: Track.StreamState[]) =>
      ({ videoTrackPublications: new Map(states.map((streamState, i) => [`TR_${i}`, { track: { streamState } }])) }) as unknown as Participant;
    expect(remoteSampleOf(participant(Track.StreamState.Active, Track.StreamState.Paused)).videoPaused).toBe(true);
    expect(remoteSampleOf(participant(Track.StreamState.Active)).videoPaused).toBe(false);
    expect(remoteSampleOf(participant()).videoPaused).toBe(false);
  });
});

describe('connection quality: reading WebRTC stats', () => {
  const layer = (rid: string, frameHeight: number | undefined, framesPerSecond: number | undefined, qualityLimitationReason = 'none', active = true) => ({
    type: 'outbound-rtp',
    kind: 'video',
    rid,
    frameHeight,
    framesPerSecond,
    qualityLimitationReason,
    active,
  });
  const simulcast = [{ rid: 'q', scaleResolutionDownBy: 4 }, { rid: 'h', scaleResolutionDownBy: 2 }, { rid: 'f', scaleResolutionDownBy: 1 }];

  it('takes the largest sending layer, the worst limit, and the unadapted size of the active layers', () => {
    const camera = {
      report: report(layer('q', 180, 30), layer('h', 360, 30), layer('f', 720, undefined, 'bandwidth')),
      encodings: simulcast,
      captureHeight: 720,
    };
    expect(localSampleFrom({ camera })).toMatchObject({ limitation: 'bandwidth', sentHeight: 360, targetHeight: 720 });
    expect(describeConnection(ConnectionQuality.Good, localSampleFrom({ camera }))).toEqual({ level: 'good', reason: 'bandwidth-limited', action: 'lowered-video-quality' });
  });

  it('leaves out layers switched off because nobody watches them', () => {
    const camera = {
      report: report(layer('q', 180, 30), layer('h', 360, 0, 'none', false), layer('f', 720, 0, 'none', false)),
      encodings: simulcast,
      captureHeight: 720,
    };
    expect(localSampleFrom({ camera })).toMatchObject({ limitation: 'none', sentHeight: 180, targetHeight: 180 });
    expect(describeConnection(ConnectionQuality.Excellent, localSampleFrom({ camera })).action).toBeNull();
  });

  it('knows no camera when none is published', () => {
    expect(localSampleFrom({})).toMatchObject({ limitation: null, sentHeight: null, targetHeight: null, roundTripTime: null, packetLoss: null, inbound: null });
  });

  it('reads the round trip from the selected candidate pair, else the nominated one, the larger of the two connections', () => {
    const publisher = report(
      { type: 'transport', selectedCandidatePairId: 'pair-b' },
      { id: 'pair-a', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.9 },
      { id: 'pair-b', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.12 },
    );
    const subscriber = report({ type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.31 });
    expect(localSampleFrom({ publisher }).roundTripTime).toBe(0.12);
    expect(localSampleFrom({ publisher, subscriber }).roundTripTime).toBe(0.31);
    expect(localSampleFrom({ subscriber: report({ type: 'candidate-pair', nominated: false, state: 'in-progress', currentRoundTripTime: 2 }) }).roundTripTime).toBeNull();
  });

  it('takes the server’s reported loss of our streams', () => {
    const publisher = report({ type: 'remote-inbound-rtp', kind: 'audio', fractionLost: 0.02 }, { type: 'remote-inbound-rtp', kind: 'video', fractionLost: 0.07 });
    expect(localSampleFrom({ publisher }).packetLoss).toBe(0.07);
  });

  it('measures our own receiving loss over the interval since the previous sample', () => {
    const receiving = (lost: number, received: number) =>
      report({ type: 'inbound-rtp', kind: 'audio', packetsLost: lost, packetsReceived: received - 100 }, { type: 'inbound-rtp', kind: 'video', packetsLost: 0, packetsReceived: 100 });
    const first = localSampleFrom({ subscriber: receiving(10, 1_000) });
    expect(first.inbound).toEqual({ lost: 10, received: 1_000 });
    expect(first.packetLoss).toBeCloseTo(10 / 1_010);
    // 60 lost and 940 received since: 6% now, though 70 of 2010 (3.5%) since the start
    const second = localSampleFrom({ subscriber: receiving(70, 1_940) }, first);
    expect(second.packetLoss).toBeCloseTo(0.06);
    expect(describeConnection(ConnectionQuality.Poor, second).reason).toBe('packet-loss');
  });

  it('starts over when the counters restart (a new connection) and ignores negative loss from duplicates', () => {
    const previous = local({ inbound: { lost: 500, received: 90_000 } });
    const sample = localSampleFrom({ subscriber: report({ type: 'inbound-rtp', packetsLost: -3, packetsReceived: 200 }) }, previous);
    expect(sample.inbound).toEqual({ lost: 0, received: 200 });
    expect(sample.packetLoss).toBe(0);
  });

  it('samples a room through livekit-client: camera sender stats, both peer connections, remote pauses', async () => {
    const cameraTrack = {
      getRTCStatsReport: async () => report(layer('f', 540, 30, 'cpu')),
      sender: { getParameters: () => ({ encodings: [{ scaleResolutionDownBy: 1 }] }) },
      mediaStreamTrack: { getSettings: () => ({ height: 720 }) },
    };
    const room = {
      localParticipant: {
        identity: 'me',
        connectionQuality: ConnectionQuality.Good,
        getTrackPublication: (source: Track.Source) => (source === Track.Source.Camera ? { isMuted: false, videoTrack: cameraTrack } : undefined),
      },
      engine: {
        pcManager: {
          publisher: { getStats: async () => report({ type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.04 }) },
          subscriber: { getStats: () => Promise.reject(new Error('closed')) },
        },
      },
      remoteParticipants: new Map([
        ['anna', { identity: 'anna', connectionQuality: ConnectionQuality.Poor, videoTrackPublications: new Map([['TR_1', { track: { streamState: Track.StreamState.Paused } }]]) }],
      ]),
    } as unknown as Room;

    const sample = await sampleQuality(room);
    expect(sample.local).toMatchObject({ limitation: 'cpu', sentHeight: 540, targetHeight: 720, roundTripTime: 0.04, packetLoss: null });
    expect(sample.remote).toEqual({ anna: { kind: 'remote', videoPaused: true } });
    expect(Object.fromEntries(describeParticipants(room, sample))).toEqual({
      me: { level: 'good', reason: 'cpu-limited', action: 'lowered-video-quality' },
      anna: { level: 'poor', reason: 'bandwidth-limited', action: 'paused-video' },
    });
    expect(Object.fromEntries(describeParticipants(room, null))).toEqual({
      me: { level: 'good', reason: null, action: null },
      anna: { level: 'poor', reason: null, action: null },
    });
  });
});
