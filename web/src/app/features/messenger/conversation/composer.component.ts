import { Component, ElementRef, inject, input, signal, viewChild } from '@angular/core';
import { LucideSendHorizontal } from '@lucide/angular';
import { MessageText, type Chat } from '@messenger/contracts';
import { MessagesStore } from '../../../core/chats/messages.store';
import { TypingStore } from '../../../core/chats/typing.store';
import { I18n } from '../../../core/i18n/i18n.service';

export const MESSAGE_MAX = 4000;

/** Enter sends, Shift+Enter starts a new line; the field grows with the text up to a limit. */
@Component({
  selector: 'app-composer',
  imports: [LucideSendHorizontal],
  template: `
    <form class="composer" (submit)="$event.preventDefault(); send()">
      <textarea
        #field
        rows="1"
        [value]="text()"
        (input)="edited($any($event.target).value)"
        (keydown.enter)="onEnter($any($event))"
        [placeholder]="i18n.t('composer.placeholder', { name: chat().name })"
        [attr.aria-label]="i18n.t('composer.label')"
        [maxLength]="max"
        data-test="composer"
      ></textarea>
      @if (text().length > max - 200) {
        <span class="composer__count" [class.composer__count--over]="text().length >= max">{{ max - text().length }}</span>
      }
      <button type="submit" class="icon-button" [disabled]="!sendable()" [attr.aria-label]="i18n.t('composer.send')" data-test="send">
        <svg lucideSendHorizontal [size]="20"></svg>
      </button>
    </form>
  `,
  styleUrl: './composer.component.scss',
})
export class ComposerComponent {
  protected readonly i18n = inject(I18n);
  private readonly messages = inject(MessagesStore);
  private readonly typing = inject(TypingStore);
  readonly chat = input.required<Chat>();
  protected readonly text = signal('');
  protected readonly max = MESSAGE_MAX;
  private readonly field = viewChild.required<ElementRef<HTMLTextAreaElement>>('field');

  protected sendable(): boolean {
    return MessageText.safeParse(this.text()).success;
  }

  protected edited(value: string): void {
    this.text.set(value);
    this.fit();
    if (value.trim()) this.typing.notify(this.chat().id);
  }

  protected onEnter(event: KeyboardEvent): void {
    // Shift+Enter is a new line; Enter while an IME is composing belongs to the IME.
    if (event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.send();
  }

  protected send(): void {
    if (!this.sendable()) return;
    const chatId = this.chat().id;
    void this.messages.send(chatId, this.text());
    this.typing.sent(chatId);
    this.text.set('');
    this.field().nativeElement.value = '';
    this.fit();
  }

  private fit(): void {
    const el = this.field().nativeElement;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }
}
