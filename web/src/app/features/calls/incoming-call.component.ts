import { A11yModule } from '@angular/cdk/a11y';
import { Component, computed, inject } from '@angular/core';
import { LucidePhone, LucidePhoneOff, LucideVideo } from '@lucide/angular';
import { CallsStore } from '../../core/calls/calls.store';
import { ChatsStore } from '../../core/chats/chats.store';
import { I18n } from '../../core/i18n/i18n.service';
import { PeopleStore } from '../../core/people/people.store';
import { AvatarComponent } from '../../shared/avatar.component';

/** The ringing card: who calls, from which chat, audio or video; accept either way, or decline. One at a time. */
@Component({
  selector: 'app-incoming-call',
  imports: [A11yModule, AvatarComponent, LucidePhone, LucideVideo, LucidePhoneOff],
  template: `
    @if (calls.ringing(); as ringing) {
      <section class="card" role="alertdialog" aria-modal="false" [attr.aria-label]="title()" cdkTrapFocus [cdkTrapFocusAutoCapture]="true" data-test="incoming-call" [attr.data-call-id]="ringing.call.id" [attr.data-ringing]="calls.ringtonePlaying()">
        <app-avatar class="card__avatar" [name]="callerName()" [id]="ringing.callerId" [url]="callerAvatar()" [size]="80" />
        <h2 class="card__caller">{{ callerName() }}</h2>
        <p class="card__what">{{ title() }}</p>
        @if (calls.incoming().length > 1) {
          <p class="card__more">{{ i18n.plural('call.moreWaiting', calls.incoming().length - 1) }}</p>
        }
        <div class="card__actions">
          <button type="button" class="round round--decline" [attr.aria-label]="i18n.t('call.decline')" [title]="i18n.t('call.decline')" (click)="calls.decline(ringing.call.id)" data-test="decline">
            <svg lucidePhoneOff [size]="24"></svg>
          </button>
          <button type="button" class="round round--accept" [attr.aria-label]="i18n.t('call.acceptAudio')" [title]="i18n.t('call.acceptAudio')" (click)="calls.accept(ringing.call.id, false)" data-test="accept-audio">
            <svg lucidePhone [size]="24"></svg>
          </button>
          <button type="button" class="round round--accept" [attr.aria-label]="i18n.t('call.acceptVideo')" [title]="i18n.t('call.acceptVideo')" (click)="calls.accept(ringing.call.id, true)" data-test="accept-video">
            <svg lucideVideo [size]="24"></svg>
          </button>
        </div>
      </section>
    }
  `,
  styleUrl: './incoming-call.component.scss',
})
export class IncomingCallComponent {
  protected readonly i18n = inject(I18n);
  protected readonly calls = inject(CallsStore);
  private readonly chats = inject(ChatsStore);
  private readonly people = inject(PeopleStore);
  protected readonly callerName = computed(() => {
    const ringing = this.calls.ringing();
    return ringing ? (this.people.get(ringing.callerId)?.name ?? this.i18n.t('system.someone')) : '';
  });
  protected readonly callerAvatar = computed(() => {
    const ringing = this.calls.ringing();
    return ringing ? (this.people.get(ringing.callerId)?.avatarUrl ?? null) : null;
  });
  protected readonly title = computed(() => {
    const ringing = this.calls.ringing();
    if (!ringing) return '';
    const video = ringing.call.type === 'video';
    if (ringing.call.chatType === 'personal') return this.i18n.t(video ? 'call.incomingVideo' : 'call.incomingAudio');
    const chat = this.chats.get(ringing.call.chatId)?.name ?? '';
    return this.i18n.t(video ? 'call.incomingGroupVideo' : 'call.incomingGroupAudio', { name: chat });
  });
}
