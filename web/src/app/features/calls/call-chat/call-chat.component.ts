import { Component, computed, inject, input, output } from '@angular/core';
import { LucideX } from '@lucide/angular';
import type { Chat } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { abilitiesIn } from '../../../core/chats/abilities';
import { MessagesStore } from '../../../core/chats/messages.store';
import { I18n } from '../../../core/i18n/i18n.service';
import { ComposerComponent } from '../../messenger/conversation/composer.component';
import { MessageListComponent } from '../../messenger/conversation/message-list.component';

/** The chat's own conversation beside the call: the same history and composer as the chat screen, one store. */
@Component({
  selector: 'app-call-chat',
  imports: [MessageListComponent, ComposerComponent, LucideX],
  template: `
    <section class="panel" [attr.aria-label]="i18n.t('call.chat')" data-test="call-chat">
      <header class="panel__header">
        <h2>{{ i18n.t('call.chat') }}</h2>
        <button type="button" class="icon-button" [attr.aria-label]="i18n.t('common.close')" (click)="closed.emit()"><svg lucideX [size]="18"></svg></button>
      </header>
      <app-message-list class="panel__list" [chat]="chat()" />
      @if (canPost()) {
        <app-composer [chat]="chat()" />
      } @else {
        <p class="read-only">{{ i18n.t('conversation.readOnly') }}</p>
      }
    </section>
  `,
  styleUrl: './call-chat.component.scss',
})
export class CallChatComponent {
  protected readonly i18n = inject(I18n);
  private readonly auth = inject(AuthStore);
  readonly chat = input.required<Chat>();
  readonly closed = output<void>();
  protected readonly canPost = computed(() => abilitiesIn(this.chat(), this.auth.user()?.id ?? '').can('post'));

  constructor() {
    const messages = inject(MessagesStore);
    // Opened from a call, the chat may never have been opened on this page.
    queueMicrotask(() => void messages.open(this.chat().id));
  }
}
