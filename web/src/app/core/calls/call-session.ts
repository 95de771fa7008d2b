import { computed, isDevMode, signal, type Signal } from '@angular/core';
import {
  ConnectionState,
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
import { roomSnapshots, snapshotOf, type RoomSnapshot } from './room-state';

// livekit-client logs races it recovers from (a track arriving before its participant) at error level; what
// the call screen must know arrives through Room events and rejected promises, so production stays quiet.
setLogLevel(isDevMode() ? 'warn' : 'silent');

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
  readonly room = new Room({
    adaptiveStream: true,
    dynacast: true,
    publishDefaults: { simulcast: true },
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

  /** Connects, then turns on what was asked for and is allowed; a refused device leaves the call listen-only for it. */
  async connect(url: string, token: string, want: { microphone: boolean; camera: boolean }): Promise<void> {
    await this.room.connect(url, token);
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
