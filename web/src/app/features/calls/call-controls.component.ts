import { Component, computed, inject, input, signal } from '@angular/core';
import {
  LucideCircleStop,
  LucideHand,
  LucideMic,
  LucideMicOff,
  LucidePhoneOff,
  LucideScreenShare,
  LucideScreenShareOff,
  LucideSettings2,
  LucideVideo,
  LucideVideoOff,
} from '@lucide/angular';
import { Track } from 'livekit-client';
import { AuthStore } from '../../core/auth/auth.store';
import { PendingAction } from '../../core/api/pending-action';
import { callAbilitiesIn } from '../../core/calls/call-abilities';
import { CallsStore, type ActiveCall } from '../../core/calls/calls.store';
import { ChatsStore } from '../../core/chats/chats.store';
import { ModalComponent } from '../../shared/modal.component';
import type { DeviceKind } from '../../core/calls/device-preferences';
import { I18n } from '../../core/i18n/i18n.service';

/**
 * Microphone, camera, screen share, raise hand, devices, leave, and for the owner and admins of a group "end for
 * everyone" (confirmed). Shortcuts work anywhere in the app while in a
 * call (Ctrl+Shift+M microphone, Ctrl+Shift+E camera, Ctrl+Shift+S screen); a control the server does
 * not allow is disabled and says why.
 */
@Component({
  selector: 'app-call-controls',
  imports: [
    ModalComponent,
    LucideMic,
    LucideMicOff,
    LucideVideo,
    LucideVideoOff,
    LucideScreenShare,
    LucideScreenShareOff,
    LucideSettings2,
    LucidePhoneOff,
    LucideHand,
    LucideCircleStop,
  ],
  templateUrl: './call-controls.component.html',
  styleUrl: './call-controls.component.scss',
  host: { '(document:keydown)': 'shortcut($event)' },
})
export class CallControlsComponent {
  protected readonly i18n = inject(I18n);
  private readonly calls = inject(CallsStore);
  private readonly chats = inject(ChatsStore);
  private readonly auth = inject(AuthStore);
  readonly active = input.required<ActiveCall>();
  protected readonly session = computed(() => this.active().session);
  protected readonly handRaised = computed(() => this.me()?.handRaisedAt != null);
  protected readonly canEndForAll = computed(
    () => this.active().call.chatType !== 'personal' && callAbilitiesIn(this.chats.get(this.active().call.chatId), this.auth.user()?.id ?? '').endForAll,
  );
  protected readonly confirmEnd = signal(false);
  private readonly action = new PendingAction(this.i18n);
  protected readonly busy = this.action.busy;
  protected readonly failure = this.action.failure;
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

  protected toggleHand(): void {
    void this.action.run(() => this.calls.setHand(!this.handRaised()));
  }

  protected async endForAll(): Promise<void> {
    await this.action.run(() => this.calls.endForAll());
    if (!this.failure()) this.confirmEnd.set(false);
  }

  protected async openDevices(): Promise<void> {
    this.devicesOpen.update((open) => !open);
    if (!this.devicesOpen()) return;
    const session = this.session();
    const [audioinput, videoinput, audiooutput] = await Promise.all(this.kinds.map((kind) => session.devices(kind)));
    this.devices.set({ audioinput: audioinput!, videoinput: videoinput!, audiooutput: audiooutput! });
  }

  protected activeDevice(kind: DeviceKind): string | undefined {
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
