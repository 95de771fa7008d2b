import { Component, computed, inject, input } from '@angular/core';
import { LucideMic, LucideMicOff, LucidePhoneOff } from '@lucide/angular';
import { Track } from 'livekit-client';
import type { ActiveCall } from '../../core/calls/calls.store';
import { CallsStore } from '../../core/calls/calls.store';
import { ChatsStore } from '../../core/chats/chats.store';
import { I18n } from '../../core/i18n/i18n.service';
import { PeopleStore } from '../../core/people/people.store';
import { AvatarComponent } from '../../shared/avatar.component';

/** Discord's "voice connected" panel: the call goes on while the user reads other chats; a click brings the window back. */
@Component({
  selector: 'app-call-overlay',
  imports: [AvatarComponent, LucideMic, LucideMicOff, LucidePhoneOff],
  template: `
    <section class="overlay" [attr.aria-label]="i18n.t('call.connected')" data-test="call-overlay">
      <button type="button" class="overlay__restore" (click)="calls.setMinimized(false)" [title]="i18n.t('call.restore')" data-test="restore-call">
        <span class="overlay__status">{{ i18n.t('call.connected') }}</span>
        <span class="overlay__chat">{{ chatName() }}</span>
        <span class="overlay__speakers">
          @for (member of speakers(); track member.identity) {
            <app-avatar [name]="member.name" [id]="member.identity" [url]="people.get(member.identity)?.avatarUrl ?? null" [size]="20" />
          }
        </span>
      </button>
      <button type="button" class="icon-button" [attr.aria-label]="me()?.micOn ? i18n.t('call.mute') : i18n.t('call.unmute')" [disabled]="!micAllowed()" (click)="active().session.setMicrophone(!me()?.micOn)">
        @if (me()?.micOn) {
          <svg lucideMic [size]="18"></svg>
        } @else {
          <svg lucideMicOff [size]="18"></svg>
        }
      </button>
      <button type="button" class="icon-button overlay__leave" [attr.aria-label]="i18n.t('call.leave')" (click)="calls.leave()">
        <svg lucidePhoneOff [size]="18"></svg>
      </button>
    </section>
  `,
  styleUrl: './call-overlay.component.scss',
})
export class CallOverlayComponent {
  protected readonly i18n = inject(I18n);
  protected readonly calls = inject(CallsStore);
  protected readonly people = inject(PeopleStore);
  private readonly chats = inject(ChatsStore);
  readonly active = input.required<ActiveCall>();
  protected readonly chatName = computed(() => this.chats.get(this.active().call.chatId)?.name ?? '');
  protected readonly me = computed(() => this.active().session.local());
  protected readonly micAllowed = computed(() => this.me()?.canPublish.has(Track.Source.Microphone) ?? false);
  protected readonly speakers = computed(() => this.active().session.snapshot().members.filter((m) => m.speaking));
}
