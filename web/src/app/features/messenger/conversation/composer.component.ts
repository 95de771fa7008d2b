import { Component, ElementRef, Injector, afterNextRender, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { LucideCheck, LucideCirclePlus, LucidePencil, LucideReply, LucideSendHorizontal, LucideX } from '@lucide/angular';
import { MessageText, type Chat, type Participant } from '@messenger/contracts';
import { ApiError } from '../../../core/api/api-error';
import { apiErrorText } from '../../../core/api/api-error-text';
import { AuthStore } from '../../../core/auth/auth.store';
import { MessagesStore } from '../../../core/chats/messages.store';
import { TypingStore } from '../../../core/chats/typing.store';
import { I18n } from '../../../core/i18n/i18n.service';
import { insertMention, mentionAt, mentionCandidates } from '../../../core/messages/mentions';
import { firstLine } from '../../../core/messages/message-text';
import { UploadTrayComponent } from './attachments/upload-tray.component';
import { UploadsStore } from './attachments/uploads.store';
import { ComposeState } from './compose-state';
import { MentionMenuComponent } from './composer/mention-menu.component';
import { MemberNames } from './member-names';

export const MESSAGE_MAX = 4000;

let nextId = 0;

/**
 * Enter sends, Shift+Enter starts a new line; the field grows with the text up to a limit. Above it: the message
 * being answered or edited (Escape drops it; ArrowUp in an empty field edits my last message), the files being
 * uploaded, and, while an `@` is typed, the members to mention.
 */
@Component({
  selector: 'app-composer',
  imports: [LucideSendHorizontal, LucideCheck, LucideCirclePlus, LucidePencil, LucideReply, LucideX, MentionMenuComponent, UploadTrayComponent],
  templateUrl: './composer.component.html',
  styleUrl: './composer.component.scss',
})
export class ComposerComponent {
  protected readonly i18n = inject(I18n);
  protected readonly names = inject(MemberNames);
  private readonly messages = inject(MessagesStore);
  private readonly typing = inject(TypingStore);
  private readonly compose = inject(ComposeState);
  private readonly uploads = inject(UploadsStore);
  private readonly auth = inject(AuthStore);
  private readonly injector = inject(Injector);
  readonly chat = input.required<Chat>();
  protected readonly max = MESSAGE_MAX;
  protected readonly mentionListId = `mentions-${++nextId}`;
  private readonly field = viewChild.required<ElementRef<HTMLTextAreaElement>>('field');

  protected readonly state = computed(() => this.compose.get(this.chat().id));
  protected readonly text = computed(() => (this.state().editing ? this.state().editText : this.state().draft));
  private readonly files = computed(() => this.uploads.list(this.chat().id));
  protected readonly saving = signal(false);
  protected readonly editError = signal<string | null>(null);

  protected readonly sendable = computed(() => {
    const text = this.text();
    const textOk = MessageText.safeParse(text).success;
    const editing = this.state().editing;
    if (editing) return textOk && text !== editing.text && !this.saving();
    if (this.uploads.busy(this.chat().id)) return false;
    const withFiles = this.files().some((u) => u.state === 'done');
    return textOk || (withFiles && text.trim() === '');
  });

  /** Where the caret is: an `@` just before it opens the member list. */
  private readonly caret = signal(0);
  /** The `@` whose list was closed with Escape: it stays closed until another is typed. */
  private readonly dismissed = signal<number | null>(null);
  protected readonly activeMention = signal(0);
  protected readonly mention = computed(() => {
    const at = mentionAt(this.text(), this.caret());
    if (!at || this.dismissed() === at.start) return null;
    const members = mentionCandidates(this.chat().participants, at.query, this.auth.user()?.id ?? '');
    return members.length ? { ...at, members } : null;
  });

  constructor() {
    effect(() => {
      const request = this.compose.focusRequest();
      if (request?.chatId !== this.chat().id) return;
      untracked(() => afterNextRender(() => this.focusAtEnd(), { injector: this.injector }));
    });
    effect(() => {
      this.text();
      afterNextRender(() => this.fit(), { injector: this.injector });
    });
    effect(() => {
      this.state().editing;
      untracked(() => this.editError.set(null));
    });
  }

  protected quoteOf(text: string): string {
    return firstLine(text) || this.i18n.t('message.attachment');
  }

  protected edited(value: string): void {
    this.compose.setText(this.chat().id, value);
    this.trackCaret();
    this.activeMention.set(0);
    if (value.trim() && !this.state().editing) this.typing.notify(this.chat().id);
  }

  protected trackCaret(): void {
    this.caret.set(this.field().nativeElement.selectionStart ?? 0);
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (event.isComposing) return;
    const mention = this.mention();
    if (mention) {
      const count = mention.members.length;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        this.activeMention.update((i) => (i + (event.key === 'ArrowDown' ? 1 : count - 1)) % count);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        this.insert(mention.members[Math.min(this.activeMention(), count - 1)]!);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        this.dismissed.set(mention.start);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void this.send();
    } else if (event.key === 'Escape' && (this.state().editing || this.state().replyTo)) {
      event.preventDefault();
      this.cancel();
    } else if (event.key === 'ArrowUp' && this.text() === '' && this.files().length === 0 && !this.state().editing) {
      const myId = this.auth.user()?.id;
      const last = [...this.messages.timeline(this.chat().id).items].reverse().find((m) => m.senderId === myId && m.kind === 'text' && m.deletedAt === null);
      if (!last) return;
      event.preventDefault();
      this.compose.edit(last);
    }
  }

  protected insert(member: Participant): void {
    const mention = this.mention();
    if (!mention) return;
    const next = insertMention(this.text(), mention.start, this.caret(), member.user.username);
    this.compose.setText(this.chat().id, next.text);
    const el = this.field().nativeElement;
    el.value = next.text;
    el.setSelectionRange(next.caret, next.caret);
    el.focus();
    this.caret.set(next.caret);
  }

  protected cancel(): void {
    this.compose.cancel(this.chat().id);
    this.field().nativeElement.focus();
  }

  protected pickFiles(input: HTMLInputElement): void {
    this.uploads.add(this.chat().id, Array.from(input.files ?? []));
    input.value = '';
    this.field().nativeElement.focus();
  }

  /** Pasted files (a screenshot) are attached; pasted text, even with a picture of it alongside, is text. */
  protected onPaste(event: ClipboardEvent): void {
    const data = event.clipboardData;
    const files = Array.from(data?.files ?? []);
    if (!files.length || data?.types.includes('text/plain') || this.state().editing) return;
    event.preventDefault();
    this.uploads.add(this.chat().id, files);
  }

  protected async send(): Promise<void> {
    if (!this.sendable()) return;
    const chatId = this.chat().id;
    const { editing, replyTo } = this.state();
    if (editing) {
      this.saving.set(true);
      try {
        await this.messages.edit(chatId, editing.id, this.text());
        this.compose.cancel(chatId);
      } catch (error) {
        this.editError.set(this.i18n.t('composer.editFailed', { reason: apiErrorText(this.i18n, ApiError.from(error)) }));
      } finally {
        this.saving.set(false);
      }
      return;
    }
    const attachments = this.uploads.take(chatId);
    const text = attachments.length && this.text().trim() === '' ? '' : this.text();
    void this.messages.send(chatId, text, { replyTo, attachments });
    this.typing.sent(chatId);
    this.compose.sent(chatId);
    this.field().nativeElement.value = '';
  }

  private focusAtEnd(): void {
    const el = this.field().nativeElement;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
    this.fit();
  }

  private fit(): void {
    const el = this.field().nativeElement;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }
}
