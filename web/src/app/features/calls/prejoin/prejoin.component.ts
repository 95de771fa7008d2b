import { A11yModule } from '@angular/cdk/a11y';
import { Component, DestroyRef, ElementRef, computed, effect, inject, input, output, signal, viewChild, type OnInit } from '@angular/core';
import { LucideMic, LucideMicOff, LucideVideo, LucideVideoOff } from '@lucide/angular';
import { MediaDeviceFailure, type LocalAudioTrack, type LocalVideoTrack } from 'livekit-client';
import type { DeviceKind } from '../../../core/calls/device-preferences';
import { joinPreferences, rememberJoin } from '../../../core/calls/join-preferences';
import { I18n } from '../../../core/i18n/i18n.service';
import type { MessageKey } from '../../../core/i18n/ru';
import { AvatarComponent } from '../../../shared/avatar.component';
import { PREJOIN_MEDIA, type LevelMeter } from './prejoin-media';

export interface PrejoinChoice {
  microphone: boolean;
  camera: boolean;
  devices: { audioinput?: string; videoinput?: string; audiooutput?: string };
}

/** Why a device could not be opened, in the words the screen shows. */
type Problem = 'denied' | 'missing' | 'unavailable';

const problemOf = (error: unknown): Problem => {
  const failure = MediaDeviceFailure.getFailure(error);
  if (failure === MediaDeviceFailure.PermissionDenied) return 'denied';
  if (failure === MediaDeviceFailure.NotFound) return 'missing';
  return 'unavailable';
};

let nextId = 0;

// Animation frames where there are any (browsers); a timer elsewhere (jsdom without pretendToBeVisual).
const nextFrame = (callback: () => void): number =>
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame(callback) : (setTimeout(callback, 16) as unknown as number);
const cancelFrame = (frame: number): void => (typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame(frame) : clearTimeout(frame));

/**
 * The screen before a call, as in Meet or Discord: the camera preview, a live microphone meter, device
 * pickers and microphone/camera toggles, then Join or Cancel. What the user picks is remembered for
 * this browser (join-preferences). Every track it opens is stopped when it emits or goes away, so the
 * camera light goes off before the call opens its own. A refused or missing device is said plainly
 * and the user can still join without it (listen-only).
 */
@Component({
  selector: 'app-prejoin',
  imports: [A11yModule, AvatarComponent, LucideMic, LucideMicOff, LucideVideo, LucideVideoOff],
  templateUrl: './prejoin.component.html',
  styleUrl: './prejoin.component.scss',
  host: { '(document:keydown.escape)': 'leave()' },
})
export class PrejoinComponent implements OnInit {
  protected readonly i18n = inject(I18n);
  private readonly media = inject(PREJOIN_MEDIA);
  readonly callType = input.required<'audio' | 'video'>();
  readonly title = input.required<string>();
  readonly join = output<PrejoinChoice>();
  readonly cancel = output<void>();

  protected readonly titleId = `prejoin-title-${++nextId}`;
  protected readonly kinds = computed((): DeviceKind[] => (this.video() ? ['audioinput', 'videoinput', 'audiooutput'] : ['audioinput', 'audiooutput']));
  protected readonly video = computed(() => this.callType() === 'video');
  private readonly saved = joinPreferences();
  private readonly micWanted = signal(this.saved.microphone);
  private readonly cameraWanted = signal(this.saved.camera);
  protected readonly micProblem = signal<Problem | null>(null);
  protected readonly cameraProblem = signal<Problem | null>(null);
  protected readonly micOn = computed(() => this.micWanted() && !this.micProblem());
  protected readonly cameraOn = computed(() => this.video() && this.cameraWanted() && !this.cameraProblem());
  protected readonly chosen = signal<Partial<Record<DeviceKind, string>>>({ ...this.saved.devices });
  protected readonly devices = signal<Record<DeviceKind, MediaDeviceInfo[]>>({ audioinput: [], videoinput: [], audiooutput: [] });
  /** 0..100, for the bar and aria-valuenow. */
  protected readonly level = signal(0);
  protected readonly videoTrack = signal<LocalVideoTrack | null>(null);
  protected readonly cameraStarting = computed(() => this.cameraOn() && !this.videoTrack());
  protected readonly problems = computed(() => {
    const lines: MessageKey[] = [];
    const mic = this.micProblem();
    const camera = this.cameraProblem();
    if (mic) lines.push(`prejoin.problem.microphone-${mic}`);
    if (camera && this.video()) lines.push(`prejoin.problem.camera-${camera}`);
    return lines;
  });

  private readonly preview = viewChild<ElementRef<HTMLVideoElement>>('preview');
  private audioTrack: LocalAudioTrack | null = null;
  private meter: LevelMeter | null = null;
  private stopMeterLoop: () => void = () => undefined;
  // Each open bumps its generation: an answer from getUserMedia that arrives after the user changed
  // their mind (or left) is stopped at once instead of shown.
  private micGeneration = 0;
  private cameraGeneration = 0;
  private closed = false;
  private readonly stopDeviceWatch: () => void;

  constructor() {
    this.stopDeviceWatch = this.media.onDeviceChange(() => void this.refreshDevices());
    inject(DestroyRef).onDestroy(() => this.release());
    effect((onCleanup) => {
      const track = this.videoTrack();
      const element = this.preview()?.nativeElement;
      if (!track || !element) return;
      track.attach(element);
      onCleanup(() => track.detach(element));
    });
  }

  ngOnInit(): void {
    void this.refreshDevices();
    void this.openMic();
    if (this.video()) void this.openCamera();
  }

  protected toggleMic(): void {
    if (this.micOn()) {
      this.micWanted.set(false);
      this.micGeneration++;
      this.closeMic();
    } else {
      this.micWanted.set(true);
      this.micProblem.set(null);
      void this.openMic();
    }
  }

  protected toggleCamera(): void {
    if (this.cameraOn()) {
      this.cameraWanted.set(false);
      this.cameraGeneration++;
      this.closeCamera();
    } else {
      this.cameraWanted.set(true);
      this.cameraProblem.set(null);
      void this.openCamera();
    }
  }

  protected choose(kind: DeviceKind, deviceId: string): void {
    this.chosen.update((chosen) => ({ ...chosen, [kind]: deviceId }));
    if (kind === 'audioinput' && this.micWanted()) {
      this.micProblem.set(null);
      void this.openMic();
    }
    if (kind === 'videoinput' && this.cameraWanted() && this.video()) {
      this.cameraProblem.set(null);
      void this.openCamera();
    }
  }

  protected selected(kind: DeviceKind, device: MediaDeviceInfo, index: number): boolean {
    const chosen = this.chosen()[kind];
    return chosen ? device.deviceId === chosen : index === 0;
  }

  protected deviceLabel(kind: DeviceKind): MessageKey {
    return kind === 'audioinput' ? 'call.microphone' : kind === 'videoinput' ? 'call.camera' : 'call.speaker';
  }

  protected enter(): void {
    if (this.closed) return;
    const video = this.video();
    const devices = this.chosen();
    const choice: PrejoinChoice = {
      microphone: this.micOn(),
      camera: this.cameraOn(),
      devices: {
        ...(devices.audioinput ? { audioinput: devices.audioinput } : {}),
        ...(video && devices.videoinput ? { videoinput: devices.videoinput } : {}),
        ...(devices.audiooutput ? { audiooutput: devices.audiooutput } : {}),
      },
    };
    // A device that failed says nothing about what the user wants next time; a toggle does.
    rememberJoin({
      microphone: this.micProblem() ? undefined : this.micWanted(),
      camera: video && !this.cameraProblem() ? this.cameraWanted() : undefined,
      devices: choice.devices,
    });
    this.release();
    this.join.emit(choice);
  }

  protected leave(): void {
    if (this.closed) return;
    this.release();
    this.cancel.emit();
  }

  private async openMic(): Promise<void> {
    const generation = ++this.micGeneration;
    this.closeMic();
    if (!this.micWanted() || this.closed) return;
    try {
      const track = await this.media.microphone(this.chosen().audioinput);
      if (generation !== this.micGeneration || this.closed) {
        track.stop();
        return;
      }
      this.audioTrack = track;
      this.startMeter(track);
      await this.adopt('audioinput', track);
    } catch (error) {
      if (generation === this.micGeneration) this.micProblem.set(problemOf(error));
    }
  }

  private async openCamera(): Promise<void> {
    const generation = ++this.cameraGeneration;
    this.closeCamera();
    if (!this.cameraWanted() || !this.video() || this.closed) return;
    try {
      const track = await this.media.camera(this.chosen().videoinput);
      if (generation !== this.cameraGeneration || this.closed) {
        track.stop();
        return;
      }
      this.videoTrack.set(track);
      await this.adopt('videoinput', track);
    } catch (error) {
      if (generation === this.cameraGeneration) this.cameraProblem.set(problemOf(error));
    }
  }

  /** Shows the device actually opened (a remembered one may be gone), and the labels now that permission is granted. */
  private async adopt(kind: DeviceKind, track: LocalAudioTrack | LocalVideoTrack): Promise<void> {
    const deviceId = await track.getDeviceId(false).catch(() => undefined);
    if (deviceId && !this.closed) this.chosen.update((chosen) => ({ ...chosen, [kind]: deviceId }));
    await this.refreshDevices();
  }

  private async refreshDevices(): Promise<void> {
    const [audioinput, videoinput, audiooutput] = await Promise.all([
      this.media.devices('audioinput'),
      this.media.devices('videoinput'),
      this.media.devices('audiooutput'),
    ]);
    if (!this.closed) this.devices.set({ audioinput: audioinput!, videoinput: videoinput!, audiooutput: audiooutput! });
  }

  private startMeter(track: LocalAudioTrack): void {
    try {
      this.meter = this.media.meter(track);
    } catch {
      return; // no Web Audio: the preview works without a meter
    }
    const meter = this.meter;
    let shown = 0;
    let frame = 0;
    const tick = () => {
      // Rise at once, fall slowly, like a VU meter, so speech reads as a level rather than a flicker.
      shown = Math.max(meter.level(), shown * 0.85);
      const value = Math.round(shown * 100);
      if (value !== this.level()) this.level.set(value);
      frame = nextFrame(tick);
    };
    frame = nextFrame(tick);
    this.stopMeterLoop = () => cancelFrame(frame);
  }

  private closeMic(): void {
    this.stopMeterLoop();
    this.stopMeterLoop = () => undefined;
    this.meter?.stop();
    this.meter = null;
    this.audioTrack?.stop();
    this.audioTrack = null;
    this.level.set(0);
  }

  private closeCamera(): void {
    this.videoTrack()?.stop();
    this.videoTrack.set(null);
  }

  private release(): void {
    if (this.closed) return;
    this.closed = true;
    this.micGeneration++;
    this.cameraGeneration++;
    this.closeMic();
    this.closeCamera();
    this.stopDeviceWatch();
  }
}
