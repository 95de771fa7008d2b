import { ConnectionQuality, Track, type LocalVideoTrack, type Participant, type Room } from 'livekit-client';

/**
 * A participant's connection in words: how good it is (LiveKit's verdict, the one every tile shows),
 * what is most likely wrong, and what the app did about it. The rules are pure functions of a stats
 * sample; `sampleQuality` takes the sample from livekit-client.
 */
export type QualityLevel = 'good' | 'poor' | 'lost';
export type QualityReason = 'packet-loss' | 'high-latency' | 'cpu-limited' | 'bandwidth-limited';
export type QualityAction = 'lowered-video-quality' | 'paused-video';

export interface ConnectionWords {
  level: QualityLevel;
  reason: QualityReason | null;
  action: QualityAction | null;
}

/** What this browser measures about its own connection and camera. */
export interface LocalQualitySample {
  kind: 'local';
  /** The worst `qualityLimitationReason` among the camera layers being sent; null without a camera. */
  limitation: 'cpu' | 'bandwidth' | 'other' | 'none' | null;
  /** Height of the largest camera layer that is sending frames now; null when none is. */
  sentHeight: number | null;
  /** Height that layer set would have without adaptation (capture height ÷ the layer's scale-down); null without a camera. */
  targetHeight: number | null;
  /** The selected ICE candidate pair's `currentRoundTripTime`, in seconds. */
  roundTripTime: number | null;
  /** Fraction 0..1: the worse of what the server loses of ours and what we lose of what it sends. */
  packetLoss: number | null;
  /** Received-media counters, so the next sample measures loss over its own interval. */
  inbound: { lost: number; received: number } | null;
}

/** What this browser knows about another participant's media beyond LiveKit's verdict. */
export interface RemoteQualitySample {
  kind: 'remote';
  /** The server paused a video of theirs that we subscribe to (Track.StreamState.Paused). */
  videoPaused: boolean;
}

export type QualitySample = LocalQualitySample | RemoteQualitySample;

export interface RoomQualitySample {
  local: LocalQualitySample;
  /** By participant identity. */
  remote: Record<string, RemoteQualitySample>;
}

/**
 * Loss from which speech audibly breaks up. Opus in-band FEC and NACK retransmission hide a few percent;
 * past 5% syllables drop and video freezes until the next keyframe. LiveKit's own score (scorer.go)
 * subtracts loss times a per-codec weight from 100 and says POOR at 40, so at this loss its verdict is
 * usually already poor: the words then name the cause it saw.
 */
export const PACKET_LOSS_POOR = 0.05;

/**
 * Round trip from which people talk over each other: ITU-T G.114 puts the limit for comfortable
 * conversation at 150 ms one way, i.e. 300 ms there and back. LiveKit's scorer also steepens its delay
 * penalty from an effective delay of 160 ms (its RTT ÷ 2 plus jitter), which is about the same point.
 */
export const ROUND_TRIP_POOR_S = 0.3;

/**
 * How much smaller the sent picture must be than intended to count as lowered. One WebRTC downscale
 * step is 3/4 (720p → 540p), so 10% catches the first step, while the few pixels lost to rounding
 * sizes to even or 16-aligned values do not count.
 */
export const LOWERED_RESOLUTION_RATIO = 0.9;

const LEVELS: Record<ConnectionQuality, QualityLevel> = {
  [ConnectionQuality.Excellent]: 'good',
  [ConnectionQuality.Good]: 'good',
  // Unknown is the state before the server's first report: nothing is known to be wrong yet.
  [ConnectionQuality.Unknown]: 'good',
  [ConnectionQuality.Poor]: 'poor',
  [ConnectionQuality.Lost]: 'lost',
};

const limited = (sample: LocalQualitySample): boolean => sample.limitation === 'cpu' || sample.limitation === 'bandwidth';

const actionOf = (sample: QualitySample | null | undefined): QualityAction | null => {
  if (!sample) return null;
  if (sample.kind === 'remote') return sample.videoPaused ? 'paused-video' : null;
  // Only the encoder's own word counts: simulcast layers stopped because nobody watches them are not a problem.
  if (!limited(sample)) return null;
  if (!sample.sentHeight) return 'paused-video';
  if (sample.targetHeight !== null && sample.sentHeight < sample.targetHeight * LOWERED_RESOLUTION_RATIO) return 'lowered-video-quality';
  return null;
};

const reasonOf = (level: QualityLevel, sample: QualitySample | null | undefined, action: QualityAction | null): QualityReason | null => {
  if (!sample) return null;
  // The server pauses a video for a subscriber whose downlink cannot carry even its lowest layer.
  if (sample.kind === 'remote') return sample.videoPaused ? 'bandwidth-limited' : null;
  // Network causes explain a poor verdict; on a good one a moment's loss or delay is not worth words.
  if (level !== 'good') {
    if (sample.packetLoss !== null && sample.packetLoss >= PACKET_LOSS_POOR) return 'packet-loss';
    if (sample.roundTripTime !== null && sample.roundTripTime >= ROUND_TRIP_POOR_S) return 'high-latency';
  }
  // The encoder's limit explains a poor verdict, and gives any action its cause even on a good one.
  if (level !== 'good' || action) {
    if (sample.limitation === 'bandwidth') return 'bandwidth-limited';
    if (sample.limitation === 'cpu') return 'cpu-limited';
  }
  return null;
};

/** LiveKit's verdict plus what the stats say; without a sample, only the level. */
export const describeConnection = (quality: ConnectionQuality, sample?: QualitySample | null): ConnectionWords => {
  const level = LEVELS[quality] ?? 'good';
  const action = actionOf(sample);
  return { level, reason: reasonOf(level, sample, action), action };
};

// ---- reading the sample from WebRTC stats ----

type Stat = Record<string, unknown> & { type: string; id: string };

const statsOf = (report: RTCStatsReport | undefined): Stat[] => {
  const all: Stat[] = [];
  report?.forEach((stat: Stat) => all.push(stat));
  return all;
};
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const maxOf = (values: (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.max(...known) : null;
};

/** The selected candidate pair's round trip: the transport names it; else the nominated, succeeded pair. */
const roundTripOf = (report: RTCStatsReport | undefined): number | null => {
  const stats = statsOf(report);
  const selectedId = stats.find((s) => s.type === 'transport' && typeof s['selectedCandidatePairId'] === 'string')?.['selectedCandidatePairId'];
  const pair =
    stats.find((s) => s.type === 'candidate-pair' && s.id === selectedId) ??
    stats.find((s) => s.type === 'candidate-pair' && s['nominated'] === true && s['state'] === 'succeeded');
  return num(pair?.['currentRoundTripTime']);
};

const LIMITATION_RANK = { none: 0, other: 1, cpu: 2, bandwidth: 3 } as const;
type Limitation = keyof typeof LIMITATION_RANK;

/** The camera's outbound layers: which are sending, what limits them, and how big they would be unadapted. */
const cameraOf = (
  camera: LocalStatsInput['camera'],
): Pick<LocalQualitySample, 'limitation' | 'sentHeight' | 'targetHeight'> => {
  const none = { limitation: null, sentHeight: null, targetHeight: null };
  if (!camera) return none;
  const scaleOf = (rid: unknown): number => {
    const encoding = camera.encodings.find((e) => (e.rid ?? undefined) === (typeof rid === 'string' ? rid : undefined)) ?? (camera.encodings.length === 1 ? camera.encodings[0] : undefined);
    return encoding?.scaleResolutionDownBy ?? 1;
  };
  // Layers switched off (by dynacast: nobody watches them) are not counted at all.
  const layers = statsOf(camera.report).filter((s) => s.type === 'outbound-rtp' && s['kind'] === 'video' && s['active'] !== false);
  if (!layers.length) return none;
  let limitation: Limitation = 'none';
  for (const layer of layers) {
    const reason = layer['qualityLimitationReason'];
    if (typeof reason === 'string' && reason in LIMITATION_RANK && LIMITATION_RANK[reason as Limitation] > LIMITATION_RANK[limitation]) limitation = reason as Limitation;
  }
  const sending = layers.filter((s) => (num(s['framesPerSecond']) ?? 0) > 0);
  const targets = camera.captureHeight ? layers.map((s) => Math.round(camera.captureHeight! / scaleOf(s['rid']))) : [];
  return { limitation, sentHeight: maxOf(sending.map((s) => num(s['frameHeight']))), targetHeight: maxOf(targets) };
};

/** The largest loss the server reports about any of our streams (RTCP receiver reports, last interval). */
const uplinkLossOf = (report: RTCStatsReport | undefined): number | null =>
  maxOf(statsOf(report).filter((s) => s.type === 'remote-inbound-rtp').map((s) => num(s['fractionLost'])));

const inboundCountersOf = (report: RTCStatsReport | undefined): LocalQualitySample['inbound'] => {
  const streams = statsOf(report).filter((s) => s.type === 'inbound-rtp');
  if (!streams.length) return null;
  return {
    // packetsLost goes negative with duplicates: never count fewer than none
    lost: streams.reduce((sum, s) => sum + Math.max(0, num(s['packetsLost']) ?? 0), 0),
    received: streams.reduce((sum, s) => sum + (num(s['packetsReceived']) ?? 0), 0),
  };
};

/** Loss since the previous sample; from the start of the call when there is none or the counters restarted (a new connection). */
const downlinkLossOf = (now: LocalQualitySample['inbound'], before: LocalQualitySample['inbound'] | undefined): number | null => {
  if (!now) return null;
  const restarted = !before || now.lost < before.lost || now.received < before.received;
  const lost = restarted ? now.lost : now.lost - before.lost;
  const received = restarted ? now.received : now.received - before.received;
  return lost + received > 0 ? lost / (lost + received) : null;
};

export interface LocalStatsInput {
  /** The camera track's sender stats, its encodings (simulcast layers) and the captured height. */
  camera?: { report: RTCStatsReport | undefined; encodings: RTCRtpEncodingParameters[]; captureHeight: number | undefined };
  /** The peer connections' own reports (publisher sends our media, subscriber receives the others'). */
  publisher?: RTCStatsReport;
  subscriber?: RTCStatsReport;
}

/** Reads a local sample out of raw WebRTC reports. */
export const localSampleFrom = (input: LocalStatsInput, previous?: LocalQualitySample | null): LocalQualitySample => {
  const inbound = inboundCountersOf(input.subscriber);
  return {
    kind: 'local',
    ...cameraOf(input.camera),
    roundTripTime: maxOf([roundTripOf(input.publisher), roundTripOf(input.subscriber)]),
    packetLoss: maxOf([uplinkLossOf(input.publisher), downlinkLossOf(inbound, previous?.inbound ?? undefined)]),
    inbound,
  };
};

/** Whether a video of theirs that we receive has been paused by the server. */
export const remoteSampleOf = (participant: Participant): RemoteQualitySample => ({
  kind: 'remote',
  videoPaused: [...participant.videoTrackPublications.values()].some((publication) => publication.track?.streamState === Track.StreamState.Paused),
});

const quietly = async <T>(read: () => Promise<T> | undefined): Promise<T | undefined> => {
  try {
    return await read();
  } catch {
    // a transport closing under us: this sample simply knows less
    return undefined;
  }
};

/**
 * Takes one sample of the room: the camera's sender stats, both peer connections' stats, and every
 * remote participant's paused videos. Pass the previous sample so loss is measured over the interval.
 */
export const sampleQuality = async (room: Room, previous?: RoomQualitySample | null): Promise<RoomQualitySample> => {
  const publication = room.localParticipant.getTrackPublication(Track.Source.Camera);
  const track = publication && !publication.isMuted ? (publication.videoTrack as LocalVideoTrack | undefined) : undefined;
  const pcs = room.engine?.pcManager;
  const [cameraReport, publisher, subscriber] = await Promise.all([
    quietly(() => track?.getRTCStatsReport()),
    quietly(() => pcs?.publisher.getStats()),
    quietly(() => pcs?.subscriber?.getStats()),
  ]);
  const camera = track
    ? { report: cameraReport, encodings: track.sender?.getParameters().encodings ?? [], captureHeight: track.mediaStreamTrack.getSettings().height }
    : undefined;
  const remote: Record<string, RemoteQualitySample> = {};
  for (const participant of room.remoteParticipants.values()) remote[participant.identity] = remoteSampleOf(participant);
  return { local: localSampleFrom({ camera, publisher, subscriber }, previous?.local), remote };
};

/** Everyone in the room, in words, by identity. */
export const describeParticipants = (room: Room, sample: RoomQualitySample | null): Map<string, ConnectionWords> => {
  const words = new Map<string, ConnectionWords>();
  words.set(room.localParticipant.identity, describeConnection(room.localParticipant.connectionQuality, sample?.local));
  for (const participant of room.remoteParticipants.values())
    words.set(participant.identity, describeConnection(participant.connectionQuality, sample?.remote[participant.identity]));
  return words;
};
