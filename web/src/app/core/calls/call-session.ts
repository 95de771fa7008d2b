import { computed, isDevMode, signal, type Signal } from '@angular/core';
import {
  ConnectionState,
  CriticalTimers,
  DisconnectReason,
  MediaDeviceFailure,
  Room,
  RoomEvent,
  setLogLevel,
  Track,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
} from 'livekit-client';
import type { Subscription } from 'rxjs';
import { preferredDevices, rememberDevice, type DeviceKind } from './device-preferences';
import { reconnectPolicy } from './reconnect-policy';
import { roomSnapshots, snapshotOf, type RoomSnapshot } from './room-state';

// livekit-client logs races it recovers from (a track arriving before its participant) at error level; what
// the call screen must know arrives through Room events and rejected promises, so production stays quiet.
setLogLevel(isDevMode() ? 'warn' : 'silent');

// livekit-client 2.23 waits for some things by polling every 50 ms (`sleep(50)` loops). Above all, Room.connect polls
// so until the peer connection is connected, and holds every subscribed track back (no TrackSubscribed) until then:
// a remote camera reached the screen 0–50 ms (more on a busy page) after its media could flow. Its other 50 ms polls
// are waits of the same kind (a published track's dimensions, a data channel opening). The sleeps go through
// CriticalTimers, the library's documented hook for its timers; here a 50 ms one lasts 10 ms. Its other critical
// timers (20 ms, 100 ms and 5 s debounces, reconnect back-offs, pings) keep their durations. load/call-setup measured
// accept → first remote frame p50 −37 ms with this.
const livekitTimeout = CriticalTimers.setTimeout;
CriticalTimers.setTimeout = ((handler: TimerHandler, timeout?: number, ...args: unknown[]) =>
  livekitTimeout(handler, timeout === 50 ? 10 : timeout, ...args)) as typeof CriticalTimers.setTimeout;

/**
 * The DTLS certificate for the next call's peer connection. A peer connection makes its own while its first offer
 * waits for it, which on a busy machine held livekit-client's signal socket back by tens of ms (load/call-setup:
 * p50 −64 ms); so it is made ahead, while a call rings or while the join request is under way, and used once.
 */
let nextCertificate: Promise<RTCCertificate | null> | null = null;
const certificateFor = (): Promise<RTCCertificate | null> => {
  if (typeof RTCPeerConnection === 'undefined' || typeof RTCPeerConnection.generateCertificate !== 'function') return Promise.resolve(null);
  // ECDSA P-256, as the browser makes by default; valid for 30 days.
  return RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams).catch(() => null);
};
const takeCertificate = async (): Promise<RTCCertificate | null> => {
  const pending = nextCertificate ?? certificateFor();
  nextCertificate = null;
  const certificate = await pending;
  // One made for a call that rang long ago may be near its end: a peer connection refuses an expired one.
  return certificate && certificate.expires > Date.now() + 24 * 3600_000 ? certificate : certificateFor();
};

/** What could not be turned on, said plainly; the call goes on with what works. */
export type MediaProblem = 'microphone-denied' | 'microphone-missing' | 'camera-denied' | 'camera-missing' | 'screen-failed' | null;

export type SessionEnd = 'left' | 'removed' | 'room-gone' | 'connection-lost';

const problemFor = (error: unknown, device: 'microphone' | 'camera'): MediaProblem => {
  const failure = MediaDeviceFailure.getFailure(error);
  if (failure === MediaDeviceFailure.PermissionDenied) return `${device}-denied`;
  return `${device}-missing`;
};

const endFor = (reason: DisconnectReason | undefined): SessionEnd => {
  switch (reason) {
    case DisconnectReason.CLIENT_INITIATED:
      return 'left';
    case DisconnectReason.PARTICIPANT_REMOVED:
      return 'removed';
    case DisconnectReason.ROOM_DELETED:
    case DisconnectReason.ROOM_CLOSED:
      return 'room-gone';
    default:
      return 'connection-lost';
  }
};

/**
 * One call's media: a livekit-client Room (adaptive stream, dynacast, simulcast), its state as a
 * signal of snapshots, and the local devices. `close()` disconnects and stops every local track,
 * so the camera light goes off.
 */
export class CallSession {
  /**
   * Work done before a call is entered, so that it connects sooner: the DTLS certificate of its peer connection.
   * (livekit-client's Room.prepareConnection, a HEAD request to LiveKit's http(s) address to warm DNS and TLS, is not
   * used: the gateway's Content-Security-Policy allows connections to 'self' and ws:/wss: only, so it is refused.)
   */
  static prepare(): void {
    nextCertificate ??= certificateFor();
  }

  // One peer connection for both directions (LiveKit's v1 signalling). Two (singlePeerConnection: false) measured no
  // faster: the SFU's first subscriber offer then waits out its 150 ms negotiation debounce.
  // adaptiveStream and dynacast stay on: turning either off measured no faster first frame, and costs bandwidth or
  // the caller's encoder time.
  readonly room = new Room({
    singlePeerConnection: true,
    adaptiveStream: true,
    dynacast: true,
    publishDefaults: { simulcast: true },
    reconnectPolicy,
    audioCaptureDefaults: { deviceId: preferredDevices().audioinput },
    videoCaptureDefaults: { deviceId: preferredDevices().videoinput },
    audioOutput: { deviceId: preferredDevices().audiooutput },
  });
  private readonly state = signal<RoomSnapshot>(snapshotOf(this.room));
  readonly snapshot: Signal<RoomSnapshot> = this.state.asReadonly();
  /** This user in the call; its `canPublish` is what the server's grant allows now. */
  readonly local = computed(() => this.state().members.find((m) => m.local) ?? null);
  readonly problem = signal<MediaProblem>(null);
  readonly ended = signal<SessionEnd | null>(null);
  private readonly subscription: Subscription;
  private readonly onDisconnected = (reason?: DisconnectReason) => this.ended.set(endFor(reason));
  // Remote sound plays through <audio> elements of its own, whatever the screen shows; each is
  // remembered so none outlives the call.
  private readonly sounds = new Map<RemoteTrack, HTMLMediaElement>();
  private readonly onSubscribed = (track: RemoteTrack, _publication: RemoteTrackPublication, participant: RemoteParticipant) => {
    if (track.kind !== Track.Kind.Audio || this.sounds.has(track)) return;
    const element = track.attach();
    element.dataset['callAudio'] = track.sid ?? '';
    element.dataset['identity'] = participant.identity;
    document.body.appendChild(element);
    this.sounds.set(track, element);
  };
  private readonly onUnsubscribed = (track: RemoteTrack) => {
    const element = this.sounds.get(track);
    if (!element) return;
    track.detach(element);
    element.remove();
    this.sounds.delete(track);
  };

  constructor() {
    this.subscription = roomSnapshots(this.room).subscribe((snapshot) => this.state.set(snapshot));
    this.room.on(RoomEvent.Disconnected, this.onDisconnected);
    this.room.on(RoomEvent.TrackSubscribed, this.onSubscribed);
    this.room.on(RoomEvent.TrackUnsubscribed, this.onUnsubscribed);
  }

  get reconnecting(): boolean {
    const state = this.state().state;
    return state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting;
  }

  /**
   * Connects, then turns on what was asked for and is allowed; a refused device leaves the call listen-only for it.
   * `onSignalConnected` is called once LiveKit has accepted the signal connection (the call screen can render then
   * without holding up the connection's setup).
   */
  async connect(
    url: string,
    token: string,
    want: { microphone: boolean; camera: boolean },
    onSignalConnected?: () => void,
  ): Promise<void> {
    const signalled = () => onSignalConnected?.();
    this.room.once(RoomEvent.SignalConnected, signalled);
    try {
      const certificate = await takeCertificate();
      await this.room.connect(url, token, certificate ? { rtcConfig: { certificates: [certificate] } } : undefined);
    } finally {
      this.room.off(RoomEvent.SignalConnected, signalled);
    }
    // The remote tiles render and attach their video (with adaptive stream, that is what asks the SFU for it) before
    // the microphone and camera are opened and published, which hold the main thread a while.
    await new Promise((resolve) => setTimeout(resolve));
    const allowed = this.local()?.canPublish ?? new Set<Track.Source>();
    if (want.microphone && allowed.has(Track.Source.Microphone)) await this.setMicrophone(true);
    if (want.camera && allowed.has(Track.Source.Camera)) await this.setCamera(true);
  }

  async setMicrophone(on: boolean): Promise<void> {
    try {
      await this.room.localParticipant.setMicrophoneEnabled(on);
      if (on && this.problem()?.startsWith('microphone')) this.problem.set(null);
    } catch (error) {
      this.problem.set(problemFor(error, 'microphone'));
    }
  }

  async setCamera(on: boolean): Promise<void> {
    try {
      await this.room.localParticipant.setCameraEnabled(on);
      if (on && this.problem()?.startsWith('camera')) this.problem.set(null);
    } catch (error) {
      this.problem.set(problemFor(error, 'camera'));
    }
  }

  /** Screen share with its audio where the browser offers it; a cancelled picker is not an error. */
  async setScreenShare(on: boolean): Promise<void> {
    try {
      await this.room.localParticipant.setScreenShareEnabled(on, { audio: true, selfBrowserSurface: 'include' });
    } catch (error) {
      if ((error as Error).name !== 'NotAllowedError') this.problem.set('screen-failed');
    }
  }

  async devices(kind: DeviceKind): Promise<MediaDeviceInfo[]> {
    try {
      return await Room.getLocalDevices(kind);
    } catch {
      return [];
    }
  }

  activeDevice(kind: DeviceKind): string | undefined {
    return this.room.getActiveDevice(kind);
  }

  async switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    await this.room.switchActiveDevice(kind, deviceId);
    rememberDevice(kind, deviceId);
  }

  async close(): Promise<void> {
    this.room.off(RoomEvent.Disconnected, this.onDisconnected);
    this.room.off(RoomEvent.TrackSubscribed, this.onSubscribed);
    this.room.off(RoomEvent.TrackUnsubscribed, this.onUnsubscribed);
    this.subscription.unsubscribe();
    for (const track of [...this.sounds.keys()]) this.onUnsubscribed(track);
    await this.room.disconnect(true);
  }
}
