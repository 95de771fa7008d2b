import { ConnectionQuality, ConnectionState, Room, RoomEvent, Track, type Participant } from 'livekit-client';
import { Observable } from 'rxjs';

/** One person in the call as a tile needs them: what they publish and how they sound. */
export interface CallMember {
  identity: string;
  name: string;
  local: boolean;
  participant: Participant;
  micOn: boolean;
  cameraOn: boolean;
  screenOn: boolean;
  speaking: boolean;
  quality: 'excellent' | 'good' | 'poor' | 'lost' | 'unknown';
  /** Sources the server lets this person publish (its token's grant, updated live). */
  canPublish: Set<Track.Source>;
  /** When they raised their hand (the server's clock, from the participant attribute the calls service sets), or null. */
  handRaisedAt: number | null;
}

export interface RoomSnapshot {
  state: ConnectionState;
  members: CallMember[];
  /** When the snapshot was taken: a new one after every room event, so signals always change. */
  at: number;
}

const QUALITY: Record<ConnectionQuality, CallMember['quality']> = {
  [ConnectionQuality.Excellent]: 'excellent',
  [ConnectionQuality.Good]: 'good',
  [ConnectionQuality.Poor]: 'poor',
  [ConnectionQuality.Lost]: 'lost',
  [ConnectionQuality.Unknown]: 'unknown',
};

const SOURCE_NAMES: Record<string, Track.Source> = {
  CAMERA: Track.Source.Camera,
  MICROPHONE: Track.Source.Microphone,
  SCREEN_SHARE: Track.Source.ScreenShare,
  SCREEN_SHARE_AUDIO: Track.Source.ScreenShareAudio,
};

const allowedSources = (participant: Participant): Set<Track.Source> => {
  const grant = participant.permissions;
  if (!grant) return new Set(Object.values(SOURCE_NAMES));
  if (!grant.canPublish) return new Set();
  const sources = grant.canPublishSources ?? [];
  if (sources.length === 0) return new Set(Object.values(SOURCE_NAMES));
  // The protocol enum arrives as numbers: 1 camera, 2 microphone, 3 screen share, 4 screen share audio.
  const byNumber = [Track.Source.Unknown, Track.Source.Camera, Track.Source.Microphone, Track.Source.ScreenShare, Track.Source.ScreenShareAudio];
  return new Set(sources.map((s) => byNumber[s as number] ?? Track.Source.Unknown));
};

const memberOf = (participant: Participant, local: boolean): CallMember => ({
  identity: participant.identity,
  name: participant.name || participant.identity,
  local,
  participant,
  micOn: participant.isMicrophoneEnabled,
  cameraOn: participant.isCameraEnabled,
  screenOn: participant.isScreenShareEnabled,
  speaking: participant.isSpeaking,
  quality: QUALITY[participant.connectionQuality] ?? 'unknown',
  canPublish: allowedSources(participant),
  handRaisedAt: handOf(participant),
});

/** The `hand` attribute holds the epoch ms the server raised it at; anything else means no hand. */
const handOf = (participant: Participant): number | null => {
  const value = Number(participant.attributes?.['hand']);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
};

export const snapshotOf = (room: Room): RoomSnapshot => ({
  state: room.state,
  members: [memberOf(room.localParticipant, true), ...[...room.remoteParticipants.values()].map((p) => memberOf(p, false))],
  at: performance.now(),
});

/** The events after which what a call screen shows may differ. */
const EVENTS = [
  RoomEvent.ConnectionStateChanged,
  RoomEvent.ParticipantConnected,
  RoomEvent.ParticipantDisconnected,
  RoomEvent.TrackPublished,
  RoomEvent.TrackUnpublished,
  RoomEvent.TrackSubscribed,
  RoomEvent.TrackUnsubscribed,
  RoomEvent.TrackMuted,
  RoomEvent.TrackUnmuted,
  RoomEvent.LocalTrackPublished,
  RoomEvent.LocalTrackUnpublished,
  RoomEvent.ActiveSpeakersChanged,
  RoomEvent.ConnectionQualityChanged,
  RoomEvent.ParticipantPermissionsChanged,
  RoomEvent.ParticipantNameChanged,
  RoomEvent.ParticipantAttributesChanged,
] as const;

/**
 * The room as a stream of snapshots that starts from its current state (as livekit/components-js does),
 * so a late subscriber sees what is there. Every listener added is removed on unsubscribe.
 */
export const roomSnapshots = (room: Room): Observable<RoomSnapshot> =>
  new Observable<RoomSnapshot>((subscriber) => {
    const emit = () => subscriber.next(snapshotOf(room));
    for (const event of EVENTS) room.on(event, emit);
    emit();
    return () => {
      for (const event of EVENTS) room.off(event, emit);
    };
  });
