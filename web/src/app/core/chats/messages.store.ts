import { Injectable, effect, inject, signal } from '@angular/core';
import type { Message } from '@messenger/contracts';
import { Api } from '../api/api.service';
import { ApiError } from '../api/api-error';
import { AuthStore } from '../auth/auth.store';
import { Realtime } from '../realtime/realtime.service';
import { ChatsStore, type LoadState } from './chats.store';

const PAGE = 50;

/** A message typed here and not yet confirmed by the server; a failed one can be sent again. */
export interface Outgoing {
  clientId: string;
  text: string;
  createdAt: string;
  state: 'sending' | 'failed';
  error: string | null;
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

  constructor() {
    const realtime = inject(Realtime);
    realtime.on('message.created', (message) => this.receive(message));
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

  async loadOlder(chatId: string): Promise<void> {
    const current = this.timeline(chatId);
    const oldest = current.items[0];
    if (!current.hasOlder || current.loadingOlder || !oldest) return;
    this.update(chatId, (t) => ({ ...t, loadingOlder: true }));
    try {
      const page = await this.api.messages(chatId, { before: oldest.seq, limit: PAGE });
      this.update(chatId, (t) => ({ ...t, items: mergeMessages(t.items, page.items), hasOlder: page.nextCursor !== null, loadingOlder: false }));
    } catch {
      this.update(chatId, (t) => ({ ...t, loadingOlder: false }));
    }
  }

  send(chatId: string, text: string): Promise<void> {
    const outgoing: Outgoing = { clientId: newClientId(), text, createdAt: new Date().toISOString(), state: 'sending', error: null };
    this.update(chatId, (t) => ({ ...t, outgoing: [...t.outgoing, outgoing] }));
    return this.deliver(chatId, outgoing);
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

  private async deliver(chatId: string, outgoing: Outgoing): Promise<void> {
    try {
      const message = await this.api.send(chatId, outgoing.text, outgoing.clientId);
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
