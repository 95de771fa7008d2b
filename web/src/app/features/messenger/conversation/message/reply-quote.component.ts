import { Component, computed, inject, input, output } from '@angular/core';
import type { Chat, ReplyRef } from '@messenger/contracts';
import { I18n } from '../../../../core/i18n/i18n.service';
import { MemberNames } from '../member-names';

/** The strip above a reply: who wrote the original and its first line; a click goes to the original. */
@Component({
  selector: 'app-reply-quote',
  template: `
    <button type="button" class="quote" [class.quote--deleted]="quote().deleted" [disabled]="!jumpable()" (click)="jump.emit(quote().seq)" [attr.aria-label]="label()" data-test="reply-quote">
      @if (!quote().deleted) {
        <span class="quote__author">{{ names.name(quote().senderId, chat()) }}</span>
      }
      <span class="quote__text" data-test="reply-quote-text">{{ text() }}</span>
    </button>
  `,
  styles: `
    @use 'styles/tokens' as *;

    :host {
      display: block;
      min-width: 0;
    }

    .quote {
      position: relative;
      display: flex;
      gap: 6px;
      max-width: 100%;
      margin: 2px 0;
      padding: 0 0 0 14px;
      border: none;
      background: none;
      color: $text-secondary;
      font-size: 13px;
      text-align: left;
      cursor: pointer;

      // Discord's curved line from the reply up to what it answers.
      &::before {
        content: '';
        position: absolute;
        left: 2px;
        top: 50%;
        width: 8px;
        height: 8px;
        border-top: 2px solid #4e5058;
        border-left: 2px solid #4e5058;
        border-top-left-radius: 6px;
      }

      &:disabled {
        cursor: default;
      }

      &:hover:not(:disabled) .quote__text {
        color: $text-primary;
      }

      &--deleted .quote__text {
        font-style: italic;
        color: $text-muted;
      }
    }

    .quote__author {
      flex: none;
      max-width: 40%;
      overflow: hidden;
      font-weight: 600;
      color: $text-primary;
      text-overflow: ellipsis;
      white-space: nowrap;
    }

    .quote__text {
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
  `,
})
export class ReplyQuoteComponent {
  protected readonly i18n = inject(I18n);
  protected readonly names = inject(MemberNames);
  readonly quote = input.required<ReplyRef>();
  readonly chat = input.required<Chat>();
  /** While a message is still being sent, its quote does not lead anywhere. */
  readonly jumpable = input(true);
  readonly jump = output<number>();
  protected readonly text = computed(() => {
    const quote = this.quote();
    if (quote.deleted) return this.i18n.t('message.replyDeleted');
    return quote.text || this.i18n.t('message.attachment');
  });

  protected label(): string {
    return `${this.i18n.t('message.toOriginal')}: ${this.text()}`;
  }
}
