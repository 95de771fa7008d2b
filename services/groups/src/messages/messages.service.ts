import { metrics } from '@opentelemetry/api';
import type { Message } from '@messenger/contracts';
import { ServiceError, notFound } from '@messenger/kit';
import type { ChatDoc } from '../chats/chat.model.js';
import { loadAccess, requirePermission } from '../chats/chat-access.js';
import type { ChatsRepository } from '../chats/chats.repository.js';
import type { Pushes } from '../realtime/pushes.js';
import { mapSystemEvent } from './system-event-view.js';
import type { MessageDoc } from './message.model.js';
import type { MessagesRepository } from './messages.repository.js';

export type SystemEventDoc = NonNullable<MessageDoc['system']>;

export const mapMessage = (m: MessageDoc): Message => ({
  id: m._id.toHexString(),
  chatId: m.chatId.toHexString(),
  seq: m.seq,
  senderId: m.senderId,
  kind: m.kind,
  text: m.text,
  system: mapSystemEvent(m.system),
  clientId: m.clientId,
  createdAt: m.createdAt.toISOString(),
});

const PREVIEW_LENGTH = 120;

export class MessagesService {
  /** Messages people sent (system lines excluded): the product's messages/s. */
  private readonly sent = metrics.getMeter('groups').createCounter('messenger.messages.sent', { description: 'Messages people sent.' });

  constructor(
    private readonly chats: ChatsRepository,
    private readonly messages: MessagesRepository,
    private readonly pushes: Pushes,
  ) {}

  /** Sends once per clientId: a retry after a lost answer returns the message already sent. */
  async send(userId: string, chatId: string, input: { text: string; clientId?: string }): Promise<Message> {
    const access = await loadAccess(this.chats, chatId, userId);
    requirePermission(access, 'post');
    const dedupeKey = input.clientId ? `c:${userId}:${input.clientId}` : undefined;
    if (dedupeKey) {
      const existing = await this.messages.findByDedupeKey(access.chat._id, dedupeKey);
      if (existing) return mapMessage(existing);
    }
    const stored = await this.store(access.chat, {
      senderId: userId,
      kind: 'text',
      text: input.text,
      system: null,
      clientId: input.clientId ?? null,
      dedupeKey,
    });
    await this.markRead(access.chat, userId, stored.seq);
    this.sent.add(1, { 'chat.type': access.chat.type });
    return stored.message;
  }

  /** A system line in the chat ("Анна added Борис"), shown apart from people's messages. */
  async appendSystem(chat: ChatDoc, event: SystemEventDoc, text: string, dedupeKey?: string): Promise<Message> {
    const stored = await this.store(chat, { senderId: null, kind: 'system', text, system: event, clientId: null, dedupeKey });
    // What I did myself is not news to me: it does not count as unread for the one who did it.
    if (event.actorId) await this.markRead(chat, event.actorId, stored.seq);
    return stored.message;
  }

  async history(userId: string, chatId: string, query: { before?: number; after?: number; limit: number }) {
    const { chat } = await loadAccess(this.chats, chatId, userId);
    if (query.after !== undefined) {
      const items = await this.messages.after(chat._id, query.after, query.limit);
      const last = items[items.length - 1];
      return { items: items.map(mapMessage), nextCursor: items.length === query.limit && last ? String(last.seq) : null };
    }
    const items = await this.messages.before(chat._id, query.before, query.limit);
    const last = items[items.length - 1];
    return { items: items.map(mapMessage), nextCursor: items.length === query.limit && last ? String(last.seq) : null };
  }

  async read(userId: string, chatId: string, messageId: string) {
    const { chat } = await loadAccess(this.chats, chatId, userId);
    const message = await this.messages.findById(chat._id, messageId);
    if (!message) throw notFound('message');
    const seq = await this.markRead(chat, userId, message.seq);
    const state = { chatId, userId, seq, unreadCount: Math.max(0, chat.lastSeq - seq) };
    this.pushes.send(
      chat.participants.map((p) => p.user),
      'message.read',
      state,
    );
    return state;
  }

  private async markRead(chat: ChatDoc, userId: string, seq: number): Promise<number> {
    const marked = await this.messages.markRead(chat._id.toHexString(), userId, seq);
    await this.chats.recordRead(chat._id, userId, marked);
    return marked;
  }

  private async store(
    chat: ChatDoc,
    input: Omit<MessageDoc, '_id' | 'chatId' | 'seq' | 'createdAt' | 'dedupeKey'> & { dedupeKey: string | undefined },
  ) {
    let inserted: MessageDoc | undefined;
    let seq = 0;
    // The unique (chat, seq) index is the arbiter: MongoDB's $inc never repeats a number, but FerretDB's
    // is not atomic under concurrency, so a send that drew a taken number draws again.
    for (let attempt = 0; attempt < 20 && !inserted; attempt++) {
      // After a collision the counter is behind the numbers in use: jump past the highest one stored.
      seq =
        attempt === 0
          ? await this.chats.nextSeq(chat._id)
          : (await this.messages.highestSeq(chat._id)) + 1 + Math.floor(Math.random() * attempt);
      const doc = { ...input, chatId: chat._id, seq, dedupeKey: input.dedupeKey ?? `s:${seq}` };
      inserted = await this.messages.insert(doc);
      if (!inserted && input.dedupeKey) {
        // The same clientId raced in twice; if the other send won, its message is the answer.
        const existing = await this.messages.findByDedupeKey(chat._id, input.dedupeKey);
        if (existing) return { seq: existing.seq, message: mapMessage(existing) };
      }
    }
    if (!inserted) throw new ServiceError('CONFLICT', 'message could not be stored; try again');
    if (seq) await this.chats.raiseSeq(chat._id, seq);
    const message = mapMessage(inserted);
    await this.chats.recordLastMessage(chat._id, {
      id: message.id,
      senderId: message.senderId,
      kind: message.kind,
      text: message.text.slice(0, PREVIEW_LENGTH),
      system: input.system,
      createdAt: inserted.createdAt,
      seq,
    });
    this.pushes.send(
      chat.participants.map((p) => p.user),
      'message.created',
      message,
    );
    return { seq, message };
  }
}
