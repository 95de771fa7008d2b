import { Component, computed, inject } from '@angular/core';
import { LucideX } from '@lucide/angular';
import { CallsStore } from '../../core/calls/calls.store';
import { ChatsStore } from '../../core/chats/chats.store';
import { I18n } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/ru';
import { CallOverlayComponent } from './call-overlay.component';
import { CallWindowComponent } from './call-window.component';
import { IncomingCallComponent } from './incoming-call.component';
import { PrejoinComponent } from './prejoin/prejoin.component';

/** Everything about calls that floats above the messenger: the ringing card, the call window or its overlay, notices. */
@Component({
  selector: 'app-call-layer',
  imports: [IncomingCallComponent, CallWindowComponent, CallOverlayComponent, PrejoinComponent, LucideX],
  template: `
    <app-incoming-call />
    @if (calls.preparing(); as preparing) {
      <app-prejoin [callType]="preparing.type" [title]="chatName(preparing.chatId)" (join)="calls.joinPrepared($event)" (cancel)="calls.preparing.set(null)" />
    }
    @if (calls.active(); as active) {
      @if (active.minimized) {
        <app-call-overlay [active]="active" />
      } @else {
        <app-call-window [active]="active" />
      }
    }
    @if (calls.rejoin(); as call) {
      @if (!calls.active()) {
        <div class="toast" role="status" data-test="rejoin-offer">
          <span>{{ i18n.t('call.rejoinOffer') }}</span>
          <button type="button" class="btn btn--primary" (click)="calls.accept(call.id, false)">{{ i18n.t('call.rejoin') }}</button>
          <button type="button" class="icon-button" [attr.aria-label]="i18n.t('common.close')" (click)="calls.rejoin.set(null)"><svg lucideX [size]="16"></svg></button>
        </div>
      }
    }
    @if (noticeKey(); as key) {
      <div class="toast" role="alert" data-test="call-notice">
        <span>{{ i18n.t(key, { code: failureCode() }) }}</span>
        <button type="button" class="icon-button" [attr.aria-label]="i18n.t('common.close')" (click)="calls.notice.set(null)"><svg lucideX [size]="16"></svg></button>
      </div>
    }
  `,
  styleUrl: './call-layer.component.scss',
})
export class CallLayerComponent {
  protected readonly i18n = inject(I18n);
  protected readonly calls = inject(CallsStore);
  private readonly chats = inject(ChatsStore);
  protected readonly failureCode = computed(() => {
    const notice = this.calls.notice();
    return notice?.kind === 'failed' ? notice.code : '';
  });
  protected chatName(chatId: string): string {
    return this.chats.get(chatId)?.name ?? '';
  }

  protected readonly noticeKey = computed((): MessageKey | null => {
    const notice = this.calls.notice();
    if (!notice) return null;
    if (notice.kind === 'busy') return 'call.notice.busy';
    if (notice.kind === 'failed') return notice.code === 'RATE_LIMITED' ? 'call.notice.rateLimited' : 'call.notice.failed';
    if (notice.kind === 'moderated') return `call.notice.moderated.${notice.action}`;
    return `call.notice.${notice.reason}` as MessageKey;
  });
}
