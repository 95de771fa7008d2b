import { Component, computed, inject, input, signal } from '@angular/core';
import type { Chat } from '@messenger/contracts';
import { ApiError } from '../../../core/api/api-error';
import { apiErrorText } from '../../../core/api/api-error-text';
import { AuthStore } from '../../../core/auth/auth.store';
import { GroupChatService } from '../../../core/chats/group-chat.service';
import { I18n } from '../../../core/i18n/i18n.service';

/**
 * The member's own "don't ring me in this chat" (Telegram keeps it with the chat's notifications): a call
 * here then arrives without a ring or a card, and the chat still shows it live to join. The switch moves at
 * once; if the server refuses, it goes back and says why.
 */
@Component({
  selector: 'app-ring-mute-switch',
  template: `
    <section class="ring" aria-labelledby="ring-heading">
      <h3 class="ring__heading" id="ring-heading">{{ i18n.t('ring.section') }}</h3>
      <button
        type="button"
        role="switch"
        class="ring__row"
        [attr.aria-checked]="muted()"
        aria-labelledby="ring-label"
        aria-describedby="ring-hint"
        [disabled]="pending() !== null"
        (click)="set(!muted())"
        data-test="ring-mute"
      >
        <span class="ring__text">
          <span class="ring__label" id="ring-label">{{ i18n.t('ring.mute') }}</span>
          <small class="ring__hint" id="ring-hint">{{ i18n.t('ring.muteHint') }}</small>
        </span>
        <span class="toggle" aria-hidden="true"><span class="toggle__knob"></span></span>
      </button>
      @if (failure(); as failure) {
        <p class="form-error ring__error" role="alert" data-test="ring-mute-error">{{ failure }}</p>
      }
    </section>
  `,
  styleUrl: './ring-mute-switch.component.scss',
})
export class RingMuteSwitchComponent {
  protected readonly i18n = inject(I18n);
  private readonly auth = inject(AuthStore);
  private readonly groups = inject(GroupChatService);
  readonly chat = input.required<Chat>();

  /** The value being saved, shown until the server answers. */
  protected readonly pending = signal<boolean | null>(null);
  protected readonly failure = signal<string | null>(null);
  private readonly myId = computed(() => this.auth.user()?.id ?? '');
  private readonly saved = computed(() => this.chat().participants.find((p) => p.user.id === this.myId())?.ringMuted ?? false);
  protected readonly muted = computed(() => this.pending() ?? this.saved());

  protected async set(muted: boolean): Promise<void> {
    if (this.pending() !== null) return;
    this.pending.set(muted);
    this.failure.set(null);
    try {
      // The answer is the chat as the server has it now, and it goes into the list the panel reads from.
      await this.groups.setRingMuted(this.chat().id, this.myId(), muted);
    } catch (error) {
      this.failure.set(this.i18n.t('ring.failed', { reason: apiErrorText(this.i18n, ApiError.from(error)) }));
    } finally {
      this.pending.set(null);
    }
  }
}
