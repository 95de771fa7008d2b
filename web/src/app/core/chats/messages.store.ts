import { Injectable, effect, inject, signal } from '@angular/core';
import type { Attachment, Message, MessageReactions, ReplyRef } from '@messenger/contracts';
import { Api } from '../api/api.service';
import { ApiError } from '../api/api-error';
import { AuthStore } from '../auth/auth.store';
import { firstLine } from '../messages/message-text';
import { reactedWith, withReaction } from '../messages/reactions';
import { Realtime } from '../realtime/realtime.service';
import { ChatsStore, type LoadState } from './chats.store';

const PAGE = 50;
/** Pages while looking for a message to jump to are as large as the server gives. */
const JUMP_PAGE = 100;

/** A message typed here and not yet confirmed by the server; a failed one can be sent again. */
export interface Outgoing {
  clientId: string;
  text: string;
  createdAt: string;
  state: 'sending' | 'failed';
  error: string | null;
  replyTo: ReplyRef | null;
  attachments: Attachment[];
}

/** What a message carries besides its text. */
export interface SendExtras {
  replyTo?: Message | null;
  attachments?: Attachment[];
}

export interface Timeline {
  /** Oldest first, by the chat's sequence number. */
  items: Message[];
  outgoing: Outgoing[];
  state: LoadState;
  hasOlder: boolean;
  loadingOlder: boolean;
}

const EMPTY: Timeline = { items: [], outgoing: [], state: 'idle', hasOlder: false, loadingOlder: false };

const newClientId = (): string => crypto.randomUUID().replace(/-/g, '');

/** Merges messages by sequence number; a message seen twice (push and fetch) is kept once. */
export const mergeMessages = (current: Message[], incoming: Message[]): Message[] => {
  if (incoming.length === 0) return current;
  const bySeq = new Map(current.map((m) => [m.seq, m]));
  for (const message of incoming) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
};

/** What a reply to this message quotes. */
export const quoteOf = (message: Message): ReplyRef => ({
  id: message.id,
  seq: message.seq,
  senderId: message.senderId,
  text: message.deletedAt ? '' : firstLine(message.text),
  deleted: message.deletedAt !== null,
});

/** A message as it stays after deletion: its place in the history, nothing of what it said. */
const asDeleted = (message: Message, at: string): Message => ({
  ...message,
  text: '',
  deletedAt: message.deletedAt ?? at,
  attachments: [],
  reactions: [],
  mentions: [],
});

/**
 * Each opened chat's messages. History comes newest-first in pages (scrolling up loads older);
 * live messages arrive by push; after a reconnect, or when a push reveals a gap in the sequence,
 * what came after the last known message is fetched, so nothing is missed or shown twice.
 * Sends carry a clientId, so retrying a send whose answer was lost never posts it twice.
 */
@Injectable({ providedIn: 'root' })
export class MessagesStore {
  private readonly api = inject(Api);
  private readonly auth = inject(AuthStore);
  private readonly chats = inject(ChatsStore);
  private readonly timelines = signal<ReadonlyMap<string, Timeline>>(new Map());
  private readonly catchingUp = new Set<string>();
  private readonly reading = new Map<string, number>();
  private readonly loadingOlder = new Map<string, Promise<void>>();

  constructor() {
    const realtime = inject(Realtime);
    realtime.on('message.created', (message) => this.receive(message));
    realtime.on('message.updated', (message) => this.replace(message));
    realtime.on('message.deleted', ({ chatId, messageId }) => this.markDeleted(chatId, messageId));
    realtime.on('message.reactions', (change) => this.setReactions(change));
    realtime.resynced$.subscribe(() => {
      for (const chatId of this.timelines().keys()) void this.catchUp(chatId);
    });
    effect(() => {
      if (this.auth.status() === 'signed-out') this.timelines.set(new Map());
    });
  }

  timeline(chatId: string): Timeline {
    return this.timelines().get(chatId) ?? EMPTY;
  }

  /** Loads the newest page the first time a chat is opened; later openings show what is kept. */
  async open(chatId: string): Promise<void> {
    const current = this.timeline(chatId);
    if (current.state === 'ready' || current.state === 'loading') return;
    this.update(chatId, (t) => ({ ...t, state: 'loading' }));
    try {
      const page = await this.api.messages(chatId, { limit: PAGE });
      this.update(chatId, (t) => ({ ...t, items: mergeMessages(t.items, page.items), hasOlder: page.nextCursor !== null, state: 'ready' }));
    } catch {
      this.update(chatId, (t) => ({ ...t, state: 'error' }));
    }
  }

  /** The page before the oldest loaded message; while one is loading, that same load. */
  loadOlder(chatId: string, limit = PAGE): Promise<void> {
    const current = this.timeline(chatId);
    const oldest = current.items[0];
    if (current.loadingOlder) return this.loadingOlder.get(chatId) ?? Promise.resolve();
    if (!current.hasOlder || !oldest) return Promise.resolve();
    this.update(chatId, (t) => ({ ...t, loadingOlder: true }));
    const loading = (async () => {
      try {
        const page = await this.api.messages(chatId, { before: oldest.seq, limit });
        this.update(chatId, (t) => ({ ...t, items: mergeMessages(t.items, page.items), hasOlder: page.nextCursor !== null, loadingOlder: false }));
      } catch {
        this.update(chatId, (t) => ({ ...t, loadingOlder: false }));
      } finally {
        this.loadingOlder.delete(chatId);
      }
    })();
    this.loadingOlder.set(chatId, loading);
    return loading;
  }

  /**
   * Loads older pages until the message with this seq is in the timeline (a reply's original, a search result);
   * false when the history ends, or a load fails, before it.
   */
  async reveal(chatId: string, seq: number): Promise<boolean> {
    for (;;) {
      const current = this.timeline(chatId);
      if (current.items.some((m) => m.seq === seq)) return true;
      const oldest = current.items[0];
      if (current.state !== 'ready' || !oldest || oldest.seq < seq || !current.hasOlder) return false;
      await this.loadOlder(chatId, JUMP_PAGE);
      if (this.timeline(chatId).items[0]?.seq === oldest.seq) return false;
    }
  }

  send(chatId: string, text: string, extras: SendExtras = {}): Promise<void> {
    const outgoing: Outgoing = {
      clientId: newClientId(),
      text,
      createdAt: new Date().toISOString(),
      state: 'sending',
      error: null,
      replyTo: extras.replyTo ? quoteOf(extras.replyTo) : null,
      attachments: extras.attachments ?? [],
    };
    this.update(chatId, (t) => ({ ...t, outgoing: [...t.outgoing, outgoing] }));
    return this.deliver(chatId, outgoing);
  }

  /** Saves new text for my message; throws the ApiError when the server refuses, so the composer can say why. */
  async edit(chatId: string, messageId: string, text: string): Promise<void> {
    this.replace(await this.api.editMessage(chatId, messageId, text));
  }

  /** Deletes a message for everyone; throws the ApiError when the server refuses. */
  async remove(chatId: string, messageId: string): Promise<void> {
    await this.api.deleteMessage(chatId, messageId);
    this.markDeleted(chatId, messageId);
  }

  /** Adds or takes back my reaction: shown at once, put right by the server's answer, undone if it fails. */
  async toggleReaction(chatId: string, messageId: string, emoji: string): Promise<void> {
    const myId = this.auth.user()?.id;
    const message = this.timeline(chatId).items.find((m) => m.id === messageId);
    if (!myId || !message) return;
    const on = !reactedWith(message.reactions, emoji, myId);
    this.updateMessage(chatId, messageId, (m) => ({ ...m, reactions: withReaction(m.reactions, emoji, myId, on) }));
    try {
      this.setReactions(await this.api.react(chatId, messageId, emoji, on));
    } catch {
      this.updateMessage(chatId, messageId, (m) => ({ ...m, reactions: withReaction(m.reactions, emoji, myId, !on) }));
    }
  }

  /** Sends a failed message again with the same clientId: if the first try did land, it is not posted twice. */
  retry(chatId: string, clientId: string): Promise<void> {
    const outgoing = this.timeline(chatId).outgoing.find((o) => o.clientId === clientId);
    if (!outgoing || outgoing.state === 'sending') return Promise.resolve();
    this.setOutgoing(chatId, clientId, { state: 'sending', error: null });
    return this.deliver(chatId, outgoing);
  }

  discard(chatId: string, clientId: string): void {
    this.update(chatId, (t) => ({ ...t, outgoing: t.outgoing.filter((o) => o.clientId !== clientId) }));
  }

  /** Marks the chat read up to its newest message, once per message. */
  async markRead(chatId: string): Promise<void> {
    const newest = this.timeline(chatId).items.at(-1);
    const chat = this.chats.get(chatId);
    if (!newest || !chat || chat.unreadCount === 0) return;
    if ((this.reading.get(chatId) ?? 0) >= newest.seq) return;
    this.reading.set(chatId, newest.seq);
    try {
      const state = await this.api.markRead(chatId, newest.id);
      this.chats.setUnread(chatId, state.unreadCount);
    } catch {
      this.reading.delete(chatId);
    }
  }

  /** Everything after a message (by default the newest known), page by page: after a reconnect, or a gap. */
  async catchUp(chatId: string, from?: number): Promise<void> {
    if (this.catchingUp.has(chatId) || this.timeline(chatId).state !== 'ready') return;
    this.catchingUp.add(chatId);
    try {
      let after = from ?? this.timeline(chatId).items.at(-1)?.seq ?? 0;
      for (;;) {
        const page = await this.api.messages(chatId, { after, limit: 100 });
        this.update(chatId, (t) => ({ ...t, items: mergeMessages(t.items, page.items), outgoing: confirmed(t.outgoing, page.items) }));
        const last = page.items.at(-1);
        if (page.nextCursor === null || !last) break;
        after = last.seq;
      }
    } catch {
      // The next reconnect or push tries again.
    } finally {
      this.catchingUp.delete(chatId);
    }
  }

  private receive(message: Message): void {
    const current = this.timelines().get(message.chatId);
    if (!current || current.state !== 'ready') return;
    const newest = current.items.at(-1)?.seq ?? 0;
    this.update(message.chatId, (t) => ({ ...t, items: mergeMessages(t.items, [message]), outgoing: confirmed(t.outgoing, [message]) }));
    if (message.seq > newest + 1) void this.catchUp(message.chatId, newest);
  }

  /** An edited message, whole; replies to it quote its new first line. */
  private replace(message: Message): void {
    const quote = quoteOf(message);
    this.updateItems(message.chatId, (m) => {
      if (m.id === message.id) return message;
      return m.replyTo?.id === message.id ? { ...m, replyTo: { ...m.replyTo, text: quote.text, deleted: quote.deleted } } : m;
    });
  }

  /** A deleted message becomes its placeholder; replies to it say the original was deleted. */
  private markDeleted(chatId: string, messageId: string): void {
    const at = new Date().toISOString();
    this.updateItems(chatId, (m) => {
      if (m.id === messageId) return asDeleted(m, at);
      return m.replyTo?.id === messageId ? { ...m, replyTo: { ...m.replyTo, text: '', deleted: true } } : m;
    });
  }

  private setReactions({ chatId, messageId, reactions }: MessageReactions): void {
    this.updateMessage(chatId, messageId, (m) => (m.deletedAt ? m : { ...m, reactions }));
  }

  private updateMessage(chatId: string, messageId: string, change: (message: Message) => Message): void {
    this.updateItems(chatId, (m) => (m.id === messageId ? change(m) : m));
  }

  /** Changes loaded messages in place; a chat not opened here, or a change that touches nothing, is left as it is. */
  private updateItems(chatId: string, change: (message: Message) => Message): void {
    const current = this.timelines().get(chatId);
    if (!current) return;
    let changed = false;
    const items = current.items.map((m) => {
      const next = change(m);
      if (next !== m) changed = true;
      return next;
    });
    if (changed) this.update(chatId, (t) => ({ ...t, items }));
  }

  private async deliver(chatId: string, outgoing: Outgoing): Promise<void> {
    try {
      const extra = {
        ...(outgoing.replyTo ? { replyToId: outgoing.replyTo.id } : {}),
        ...(outgoing.attachments.length ? { attachmentIds: outgoing.attachments.map((a) => a.id) } : {}),
      };
      const message = await this.api.send(chatId, outgoing.text, outgoing.clientId, extra);
      this.update(chatId, (t) => ({ ...t, items: mergeMessages(t.items, [message]), outgoing: confirmed(t.outgoing, [message]) }));
    } catch (error) {
      this.setOutgoing(chatId, outgoing.clientId, { state: 'failed', error: ApiError.from(error).code });
    }
  }

  private setOutgoing(chatId: string, clientId: string, change: Partial<Outgoing>): void {
    this.update(chatId, (t) => ({ ...t, outgoing: t.outgoing.map((o) => (o.clientId === clientId ? { ...o, ...change } : o)) }));
  }

  private update(chatId: string, change: (timeline: Timeline) => Timeline): void {
    this.timelines.update((all) => new Map(all).set(chatId, change(all.get(chatId) ?? EMPTY)));
  }
}

const confirmed = (outgoing: Outgoing[], messages: Message[]): Outgoing[] => {
  if (outgoing.length === 0) return outgoing;
  const landed = new Set(messages.map((m) => m.clientId));
  return outgoing.filter((o) => !landed.has(o.clientId));
};
