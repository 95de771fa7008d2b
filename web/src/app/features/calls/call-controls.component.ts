import { Component, computed, inject, input, signal } from '@angular/core';
import { LucideMic, LucideMicOff, LucidePhoneOff, LucideScreenShare, LucideScreenShareOff, LucideSettings2, LucideVideo, LucideVideoOff } from '@lucide/angular';
import { Track } from 'livekit-client';
import type { CallSession } from '../../core/calls/call-session';
import { CallsStore } from '../../core/calls/calls.store';
import type { DeviceKind } from '../../core/calls/device-preferences';
import { I18n } from '../../core/i18n/i18n.service';

/**
 * Microphone, camera, screen share, devices and leave. Shortcuts work anywhere in the app while in a
 * call (Ctrl+Shift+M microphone, Ctrl+Shift+E camera, Ctrl+Shift+S screen); a control the server does
 * not allow is disabled and says why.
 */
@Component({
  selector: 'app-call-controls',
  imports: [LucideMic, LucideMicOff, LucideVideo, LucideVideoOff, LucideScreenShare, LucideScreenShareOff, LucideSettings2, LucidePhoneOff],
  templateUrl: './call-controls.component.html',
  styleUrl: './call-controls.component.scss',
  host: { '(document:keydown)': 'shortcut($event)' },
})
export class CallControlsComponent {
  protected readonly i18n = inject(I18n);
  private readonly calls = inject(CallsStore);
  readonly session = input.required<CallSession>();
  protected readonly me = computed(() => this.session().local());
  protected readonly micAllowed = computed(() => this.me()?.canPublish.has(Track.Source.Microphone) ?? false);
  protected readonly cameraAllowed = computed(() => this.me()?.canPublish.has(Track.Source.Camera) ?? false);
  protected readonly screenAllowed = computed(() => this.me()?.canPublish.has(Track.Source.ScreenShare) ?? false);
  protected readonly devicesOpen = signal(false);
  protected readonly devices = signal<Record<DeviceKind, MediaDeviceInfo[]>>({ audioinput: [], videoinput: [], audiooutput: [] });
  protected readonly kinds: DeviceKind[] = ['audioinput', 'videoinput', 'audiooutput'];

  protected toggleMic(): void {
    if (this.micAllowed()) void this.session().setMicrophone(!this.me()?.micOn);
  }

  protected toggleCamera(): void {
    if (this.cameraAllowed()) void this.session().setCamera(!this.me()?.cameraOn);
  }

  protected toggleScreen(): void {
    if (this.screenAllowed()) void this.session().setScreenShare(!this.me()?.screenOn);
  }

  protected async openDevices(): Promise<void> {
    this.devicesOpen.update((open) => !open);
    if (!this.devicesOpen()) return;
    const session = this.session();
    const [audioinput, videoinput, audiooutput] = await Promise.all(this.kinds.map((kind) => session.devices(kind)));
    this.devices.set({ audioinput: audioinput!, videoinput: videoinput!, audiooutput: audiooutput! });
  }

  protected active(kind: DeviceKind): string | undefined {
    return this.session().activeDevice(kind);
  }

  protected choose(kind: DeviceKind, deviceId: string): void {
    void this.session().switchDevice(kind, deviceId);
  }

  protected leave(): void {
    void this.calls.leave();
  }

  protected shortcut(event: KeyboardEvent): void {
    if (!event.ctrlKey || !event.shiftKey) return;
    const key = event.key.toLowerCase();
    if (key === 'm') this.toggleMic();
    else if (key === 'e') this.toggleCamera();
    else if (key === 's') this.toggleScreen();
    else return;
    event.preventDefault();
  }
}
