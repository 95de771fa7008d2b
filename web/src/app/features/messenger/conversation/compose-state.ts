import { Injectable, effect, inject, signal } from '@angular/core';
import type { Message } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';

/** A chat's composer: the draft, and the message being answered or edited (one at a time, as in Telegram). */
export interface Compose {
  draft: string;
  replyTo: Message | null;
  editing: Message | null;
  /** The edited text, apart from the draft: cancelling an edit gives the draft back. */
  editText: string;
}

const EMPTY: Compose = { draft: '', replyTo: null, editing: null, editText: '' };

/**
 * Each chat's composer state, kept while the reader moves between chats. A message's menu starts a reply or an
 * edit here and the composer of that chat (the chat screen's, or the one beside a call) picks it up.
 */
@Injectable({ providedIn: 'root' })
export class ComposeState {
  private readonly byChat = signal<ReadonlyMap<string, Compose>>(new Map());
  /** A new value asks that chat's composer to take focus. */
  readonly focusRequest = signal<{ chatId: string } | null>(null);

  constructor() {
    const auth = inject(AuthStore);
    effect(() => {
      if (auth.status() === 'signed-out') this.byChat.set(new Map());
    });
  }

  get(chatId: string): Compose {
    return this.byChat().get(chatId) ?? EMPTY;
  }

  setText(chatId: string, text: string): void {
    this.update(chatId, (c) => (c.editing ? { ...c, editText: text } : { ...c, draft: text }));
  }

  reply(message: Message): void {
    this.update(message.chatId, (c) => ({ ...c, replyTo: message, editing: null, editText: '' }));
    this.focusRequest.set({ chatId: message.chatId });
  }

  edit(message: Message): void {
    this.update(message.chatId, (c) => ({ ...c, replyTo: null, editing: message, editText: message.text }));
    this.focusRequest.set({ chatId: message.chatId });
  }

  /** Drops the reply or the edit; the draft stays. */
  cancel(chatId: string): void {
    this.update(chatId, (c) => ({ ...c, replyTo: null, editing: null, editText: '' }));
  }

  /** After a send: the draft and the reply are spent. */
  sent(chatId: string): void {
    this.update(chatId, () => EMPTY);
  }

  private update(chatId: string, change: (compose: Compose) => Compose): void {
    this.byChat.update((all) => new Map(all).set(chatId, change(all.get(chatId) ?? EMPTY)));
  }
}
