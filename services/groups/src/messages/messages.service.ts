import { randomUUID } from 'node:crypto';
import { metrics } from '@opentelemetry/api';
import { Types } from 'mongoose';
import type { Attachment, Message } from '@messenger/contracts';
import { notFound, ServiceError } from '@messenger/kit';
import { accessIn, type ChatState } from '../chats/chat-state.js';
import { requirePermission } from '../chats/chat-access.js';
import type { ChatDoc } from '../chats/chat.model.js';
import type { Pushes } from '../realtime/pushes.js';
import type { UserDirectory } from '../realtime/user-directory.js';
import { previewOf, type ChatCounters, type ChatCounts } from './chat-counters.js';
import type { LiveMessages } from './live-messages.js';
import { mentionedUsernames } from './mentions.js';
import { storedMessage } from './message-view.js';
import type { MessageDoc, StoredAttachment, StoredReply } from './message.model.js';
import type { MessagesRepository } from './messages.repository.js';
import { PushOrder } from './push-order.js';
import type { ReadMarkWriter } from './read-mark-writer.js';
import { searchWords } from './search-words.js';

export type SystemEventDoc = NonNullable<MessageDoc['system']>;

const ATTEMPTS = 4;
const QUOTE_LENGTH = 100;

/** Files uploaded for a message, claimed by the send that carries them (the attachments module answers it). */
export interface AttachmentClaims {
  /** `sendKey`: the send's retry key; a retry may claim the same files again, another message may not. */
  claim(userId: string, chatId: string, ids: string[], sendKey: string): Promise<Attachment[]>;
}

const storedAttachment = (a: Attachment): StoredAttachment => ({
  id: a.id,
  name: a.name,
  size: a.size,
  contentType: a.contentType,
  ...(a.width !== undefined ? { width: a.width } : {}),
  ...(a.height !== undefined ? { height: a.height } : {}),
  hasThumbnail: a.thumbnailUrl !== null,
});

/** What a message adds besides its text: the quote it replies to, its files, whom it mentions. */
interface Extras {
  replyTo: StoredReply | null;
  attachments: StoredAttachment[];
  mentions: string[];
}
const NO_EXTRAS: Extras = { replyTo: null, attachments: [], mentions: [] };

/** A message to post: who writes it (null for a system line with no actor), what, and who has read it by posting. */
interface Draft {
  senderId: string | null;
  kind: Message['kind'];
  text: string;
  system: SystemEventDoc | null;
  clientId: string | null;
  /** Who has read up to this message by posting it (the sender, or the actor of a system line). */
  readerId: string | null;
  extras: Extras;
  /** Checks, on the chat as it stands, that the message may be posted; throws if not. */
  allowed: (chat: ChatDoc) => void;
}

/**
 * Sending, history and read positions. On the request path a send asks Redis twice (one script takes the
 * number and checks the caller's copy of the chat is current, one records the stored message) and the store once,
 * for the insert. Sends of one chat overlap (their inserts go to the store together); this replica still pushes
 * them in `seq` order (PushOrder).
 */
export class MessagesService {
  /** Messages people sent (system lines excluded): the product's messages/s. */
  private readonly sent = metrics.getMeter('groups').createCounter('messenger.messages.sent', { description: 'Messages people sent.' });
  private readonly order = new PushOrder();
  private readonly filling = new Map<string, Promise<void>>();

  constructor(
    private readonly state: ChatState,
    private readonly counters: ChatCounters,
    private readonly messages: MessagesRepository,
    private readonly marks: ReadMarkWriter,
    private readonly pushes: Pushes,
    private readonly live: LiveMessages,
    private readonly users: UserDirectory,
    private readonly attachments: AttachmentClaims,
  ) {}

  /** Sends once per clientId: a retry after a lost answer returns the message already sent. */
  async send(
    userId: string,
    chatId: string,
    input: { text: string; clientId?: string; replyToId?: string; attachmentIds?: string[] },
  ): Promise<Message> {
    const extras = await this.extras(userId, chatId, input);
    const message = await this.post(chatId, {
      senderId: userId,
      kind: 'text',
      text: input.text,
      system: null,
      clientId: input.clientId ?? null,
      readerId: userId,
      extras,
      allowed: (current) => requirePermission(accessIn(current, userId), 'post'),
    });
    this.sent.add(1, { 'chat.type': this.state.peek(chatId)?.chat.type ?? 'unknown' });
    return message;
  }

  /**
   * A plain text costs nothing here (the send path's one Redis script checks access); a reply, files or an `@` are
   * looked up after checking, on a current copy of the chat, that the sender may post (non-members learn nothing).
   */
  private async extras(
    userId: string,
    chatId: string,
    input: { text: string; clientId?: string; replyToId?: string; attachmentIds?: string[] },
  ): Promise<Extras> {
    if (!input.replyToId && !input.attachmentIds?.length && !input.text.includes('@')) return NO_EXTRAS;
    const access = await this.state.access(chatId, userId);
    requirePermission(access, 'post');
    return {
      replyTo: input.replyToId ? await this.quote(chatId, input.replyToId) : null,
      attachments: input.attachmentIds?.length
        ? (await this.attachments.claim(userId, chatId, input.attachmentIds, input.clientId ?? randomUUID())).map(storedAttachment)
        : [],
      mentions: await this.mentioned(access.chat, input.text),
    };
  }

  /** What a reply quotes; replying to a message that is not there (or deleted) is refused on `replyToId`. */
  private async quote(chatId: string, messageId: string): Promise<StoredReply> {
    const found = await this.live.find(chatId, messageId);
    if (!found || found.message.deletedAt)
      throw new ServiceError('NOT_FOUND', 'the message replied to is not in this chat', {
        fields: [{ path: 'replyToId', location: 'body', message: 'no such message in this chat' }],
      });
    const original = found.message;
    const firstLine = (original.text.split('\n')[0] ?? '') || original.attachments.map((a) => `📎 ${a.name}`).join(', ');
    return { id: original.id, seq: original.seq, senderId: original.senderId, text: firstLine.slice(0, QUOTE_LENGTH) };
  }

  /** Members named by @username (one round trip to the users service, only for a text with an `@`). */
  private async mentioned(chat: ChatDoc, text: string): Promise<string[]> {
    const names = mentionedUsernames(text);
    if (!names.length) return [];
    const summaries = await this.users.summaries(chat.participants.map((p) => p.user));
    const wanted = new Set(names);
    return [...summaries.values()].filter((user) => wanted.has(user.username)).map((user) => user.id);
  }

  /** A system line in the chat ("Анна added Борис"), shown apart from people's messages. */
  appendSystem(chat: ChatDoc, event: SystemEventDoc, text: string, dedupeKey?: string): Promise<Message> {
    return this.post(chat._id.toHexString(), {
      senderId: null,
      kind: 'system',
      text,
      system: event,
      // A system line that must appear once whatever redelivers it (a call's end) is deduplicated like a retried send.
      clientId: dedupeKey ?? null,
      // What I did myself is not news to me: it does not count as unread for the one who did it.
      readerId: event.actorId,
      extras: NO_EXTRAS,
      allowed: () => undefined,
    });
  }

  async history(userId: string, chatId: string, query: { before?: number; after?: number; limit: number }) {
    const { chat } = await this.state.access(chatId, userId);
    let page = await this.counters.page(chatId, query);
    if (!page.loaded) {
      await this.fillWindow(chat);
      page = await this.counters.page(chatId, query);
    }
    // Older than the recent window: one store query.
    const stored = page.complete
      ? page.items
      : (query.after !== undefined
          ? await this.messages.after(chat._id, query.after, query.limit)
          : await this.messages.before(chat._id, query.before, query.limit)
        ).map(storedMessage);
    const items = await this.live.serve(chatId, stored, page.changed);
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === query.limit && last ? String(last.seq) : null };
  }

  async read(userId: string, chatId: string, messageId: string) {
    const { chat } = await this.state.access(chatId, userId);
    let seq = await this.counters.seqOf(chatId, messageId);
    if (seq === undefined) {
      // Older than the recent window (or a window never loaded): the store knows.
      const message = await this.messages.findById(chat._id, messageId);
      if (!message) throw notFound('message');
      seq = message.seq;
    }
    const { readSeq, unread } = await this.counters.markRead(chatId, userId, seq);
    this.marks.record(chatId, userId, readSeq);
    const state = { chatId, userId, seq: readSeq, unreadCount: unread };
    this.pushes.send(
      chat.participants.map((p) => p.user),
      'message.read',
      state,
    );
    return state;
  }

  /** Counters of these chats for one viewer; loads from the store those Redis lost (a cold path). */
  async countsFor(viewerId: string, chats: ChatDoc[]): Promise<Map<string, ChatCounts>> {
    const ids = chats.map((c) => c._id.toHexString());
    const counts = await this.counters.countsFor(viewerId, ids);
    const cold = chats.filter((c) => !counts.has(c._id.toHexString()));
    if (!cold.length) return counts;
    for (const chat of cold) await this.warm(chat);
    const warmed = await this.counters.countsFor(
      viewerId,
      cold.map((c) => c._id.toHexString()),
    );
    for (const [id, value] of warmed) counts.set(id, value);
    return counts;
  }

  async countsForMembers(chat: ChatDoc, memberIds: string[]): Promise<Map<string, ChatCounts>> {
    if (!(await this.counters.hasCounter(chat._id.toHexString()))) await this.warm(chat);
    return this.counters.countsForMembers(chat._id.toHexString(), memberIds);
  }

  private async post(chatId: string, draft: Draft): Promise<Message> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      // The reserve script checks this copy's generation; a stale one comes back as 'stale' and is reloaded.
      const entry = await this.allowedEntry(chatId, draft);
      const id = new Types.ObjectId();
      const createdAt = new Date();
      const dedupe = draft.clientId ? { userId: draft.senderId ?? 'system', clientId: draft.clientId } : null;
      const reserved = await this.counters.reserve(chatId, entry.gen, {
        readerId: draft.readerId,
        id: id.toHexString(),
        createdAt,
        text: draft.text,
        dedupe,
      });
      if (reserved.outcome === 'stale') {
        await this.state.load(chatId);
        continue;
      }
      if (reserved.outcome === 'cold') {
        await this.warm(entry.chat);
        continue;
      }
      // Taken before anything else is awaited, so in the order Redis drew the numbers.
      const turn = this.order.turn(chatId);
      try {
        const doc: MessageDoc =
          reserved.outcome === 'dup'
            ? {
                ...this.doc(entry.chat, draft, reserved.seq, dedupe),
                _id: new Types.ObjectId(reserved.id),
                createdAt: reserved.createdAt,
                text: reserved.text,
              }
            : { ...this.doc(entry.chat, draft, reserved.seq, dedupe), _id: id, createdAt };
        const stored = storedMessage(doc);
        const message = this.live.fresh(stored);
        // A retry whose first try went all the way answers with it, and pushes nothing again.
        if (reserved.outcome === 'dup' && reserved.stored) return message;
        // A burned number (the insert failed, the process died) is a gap clients skip (docs/websocket.md).
        const inserted = await this.messages.insert(doc);
        if (!inserted && reserved.outcome === 'ok') {
          // Nothing of this number will be pushed: later sends of the chat need not wait for what follows.
          turn.done();
          // The store has this clientId from before Redis lost its answer: that message is the answer (the number
          // just drawn is burned).
          const earlier = dedupe ? await this.messages.findByDedupeKey(entry.chat._id, doc.dedupeKey) : null;
          if (earlier) return this.live.serveOne(storedMessage(earlier));
          // Otherwise the number is taken in the store: Redis's counter is behind it (restored from an older copy).
          // Raise it from the store and draw again.
          await this.counters.forgetSent(chatId, dedupe);
          await this.warm(entry.chat);
          continue;
        }
        // Pushed, and the push in NATS's hands, before the retried-send answer is marked complete: a process that dies
        // in between makes the retry push again (clients merge by seq), where the other order would leave the message
        // never pushed. Without the flush a kill -9 lost a push still in the client's buffer after the commit had
        // reached Redis (replicas.sys.test.ts).
        await turn.ready;
        this.pushes.send(
          entry.chat.participants.map((p) => p.user),
          'message.created',
          message,
        );
        turn.done();
        await this.pushes.flushed();
        await this.counters.commit(
          stored,
          previewOf(stored),
          dedupe,
          stored.mentions.filter((id) => id !== draft.senderId),
        );
        if (draft.readerId) this.marks.record(chatId, draft.readerId, reserved.seq);
        return message;
      } finally {
        turn.done();
      }
    }
    throw new ServiceError('CONFLICT', 'the chat is changing too fast; try again');
  }

  /**
   * The cached chat if it allows the post. A refusal by an unchecked copy is checked again against a current one:
   * a member added a moment ago on another replica must not be refused by this replica's old copy.
   */
  private async allowedEntry(chatId: string, draft: Draft) {
    const cached = this.state.peek(chatId);
    if (cached) {
      try {
        draft.allowed(cached.chat);
        return cached;
      } catch {
        // checked again below, against a current copy
      }
    }
    const current = await this.state.get(chatId);
    if (!current) throw new ServiceError('NOT_FOUND', 'chat not found');
    draft.allowed(current.chat);
    return current;
  }

  private doc(
    chat: ChatDoc,
    draft: Draft,
    seq: number,
    dedupe: { userId: string; clientId: string } | null,
  ): Omit<MessageDoc, '_id' | 'createdAt'> {
    return {
      chatId: chat._id,
      seq,
      senderId: draft.senderId,
      kind: draft.kind,
      text: draft.text,
      system: draft.system,
      clientId: draft.kind === 'text' ? draft.clientId : null,
      dedupeKey: dedupe ? `c:${dedupe.userId}:${dedupe.clientId}` : `s:${seq}`,
      editedAt: null,
      deletedAt: null,
      replyTo: draft.extras.replyTo,
      reactions: [],
      attachments: draft.extras.attachments,
      // Only members still in the chat when it is posted.
      mentions: draft.extras.mentions.filter((id) => chat.participants.some((p) => p.user === id)),
      words: draft.kind === 'text' ? searchWords(draft.text) : [],
    };
  }

  /** Loads a chat's counters from the store after Redis lost them: its newest message and the read marks. */
  private async warm(chat: ChatDoc): Promise<void> {
    const [newest] = await this.messages.before(chat._id, undefined, 1);
    const reads = await this.messages.latestMarks(chat._id);
    const last = newest ? storedMessage(newest) : null;
    await this.counters.warm(chat._id.toHexString(), { lastSeq: last?.seq ?? 0, last: last ? previewOf(last) : null, reads });
  }

  /** Loads the recent window from the store (a chat whose window Redis never had); one load per chat at a time. */
  private fillWindow(chat: ChatDoc): Promise<void> {
    const chatId = chat._id.toHexString();
    const pending = this.filling.get(chatId);
    if (pending) return pending;
    const work = (async () => {
      const newest = (await this.messages.before(chat._id, undefined, this.counters.windowSize)).map(storedMessage);
      await this.counters.fill(chatId, newest, newest.length < this.counters.windowSize);
    })().finally(() => this.filling.delete(chatId));
    this.filling.set(chatId, work);
    return work;
  }
}
