import type { Redis } from 'ioredis';
import type { Message } from '@messenger/contracts';
import { ServiceError } from '@messenger/kit';
import { CHANGED_CHATS, chatKey } from '../chats/chat-keys.js';
import { previewOf } from './chat-counters.js';
import type { MessagesRepository } from './messages.repository.js';
import { messageView, parseStored, storedMessage, type StoredMessage, type ViewContext } from './message-view.js';

const ATTEMPTS = 8;

// Replaces a message's state if it is still the one the caller read (compare and set): in the changed hash, in the
// recent window if it is there, and in the chat's preview if it is the last message. A deletion also records the
// seq as deleted and takes it out of the mention counts of those it mentioned (KEYS[6..]).
const CHANGE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local win = nil
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then win = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[2], ARGV[2])[1] end
if (cur or win or '') ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
if win then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], ARGV[2], ARGV[2])
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
end
local last = redis.call('GET', KEYS[4])
if last and cjson.decode(last).id == ARGV[1] then redis.call('SET', KEYS[4], ARGV[5]) end
if ARGV[6] == '1' then
  redis.call('ZADD', KEYS[5], ARGV[2], ARGV[2])
  for i = 6, #KEYS do redis.call('ZREM', KEYS[i], ARGV[2]) end
end
return 1`;

// Forgets a change once the store has it, unless another change came meanwhile.
const WRITTEN = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`;

/**
 * The current state of messages that change after they are sent (edits, deletions, reactions), kept in Redis:
 * a change is a compare-and-set there, so two reactions at once both count whatever the store's updates can do.
 * The store is brought up to date behind the request (MessageChangeWriter); until then reads see Redis's copy.
 */
export class LiveMessages {
  constructor(
    private readonly redis: Redis,
    private readonly store: MessagesRepository,
    private readonly view: Pick<ViewContext, 'attachmentView'>,
  ) {}

  /** A message as it stands now, with the exact JSON a change must compare against ('' when only the store has it). */
  async find(chatId: string, messageId: string): Promise<{ message: StoredMessage; expected: string } | null> {
    const [changed, seq] = await this.redis
      .pipeline()
      .hget(chatKey.changed(chatId), messageId)
      .hget(chatKey.recentIds(chatId), messageId)
      .exec()
      .then((replies) =>
        (replies ?? []).map(([error, value]) => {
          if (error) throw error;
          return value as string | null;
        }),
      );
    if (changed) return { message: parseStored(changed), expected: changed };
    if (seq) {
      const [json] = await this.redis.zrangebyscore(chatKey.recent(chatId), seq, seq);
      if (json) return { message: parseStored(json), expected: json };
    }
    // Older than the recent window: the store (a cold path; a scan on the local store).
    const doc = await this.store.findByHexIds(chatId, messageId);
    return doc ? { message: storedMessage(doc), expected: '' } : null;
  }

  /**
   * Applies `change` to the message as it stands; `change` returns null when there is nothing to do (a retry of
   * a change already made), and throws to refuse. Returns the message after the change, or null when there is no such
   * message in the chat.
   */
  change(
    chatId: string,
    messageId: string,
    change: (message: StoredMessage) => StoredMessage | null,
  ): Promise<{ message: StoredMessage; changed: boolean } | null> {
    // One change of a message at a time on this replica: the compare-and-set then only ever races other replicas.
    const before = this.lanes.get(messageId) ?? Promise.resolve();
    const run = before.then(() => this.changeNow(chatId, messageId, change));
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.lanes.set(messageId, settled);
    void settled.then(() => {
      if (this.lanes.get(messageId) === settled) this.lanes.delete(messageId);
    });
    return run;
  }

  private readonly lanes = new Map<string, Promise<void>>();

  private async changeNow(
    chatId: string,
    messageId: string,
    change: (message: StoredMessage) => StoredMessage | null,
  ): Promise<{ message: StoredMessage; changed: boolean } | null> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const found = await this.find(chatId, messageId);
      if (!found) return null;
      const next = change(found.message);
      if (!next) return { message: found.message, changed: false };
      const json = JSON.stringify(next);
      const deleting = next.deletedAt !== null && found.message.deletedAt === null;
      const mentionKeys = deleting ? found.message.mentions.map((userId) => chatKey.mentions(chatId, userId)) : [];
      const done = await this.redis.eval(
        CHANGE,
        5 + mentionKeys.length,
        chatKey.changed(chatId),
        chatKey.recent(chatId),
        chatKey.recentIds(chatId),
        chatKey.last(chatId),
        chatKey.deleted(chatId),
        ...mentionKeys,
        messageId,
        String(next.seq),
        found.expected,
        json,
        JSON.stringify(previewOf(next)),
        deleting ? '1' : '0',
      );
      if (done === 1) {
        // After the change, so the writer that empties this set never misses it (it removes before it reads).
        await this.redis.sadd(CHANGED_CHATS, chatId);
        return { message: next, changed: true };
      }
    }
    throw new ServiceError('CONFLICT', 'the message is changing too fast; try again');
  }

  /** Messages as served: the newer state of any that changed since the store or the window had them, URLs, quotes. */
  /**
   * `changed`: the chat's pending changes when the caller already has them (a recent-window page reads them in its
   * own round trip); a page with no replies then costs nothing more here.
   */
  async serve(chatId: string, items: StoredMessage[], changed?: Record<string, string>): Promise<Message[]> {
    if (!items.length) return [];
    const replySeqs = [...new Set(items.flatMap((m) => (m.replyTo ? [m.replyTo.seq] : [])))];
    const pipeline = this.redis.pipeline();
    if (!changed) pipeline.hmget(chatKey.changed(chatId), ...items.map((m) => m.id));
    if (replySeqs.length) pipeline.zmscore(chatKey.deleted(chatId), ...replySeqs.map(String));
    const replies = pipeline.length ? ((await pipeline.exec()) ?? []) : [];
    for (const [error] of replies) if (error) throw error;
    const newer = changed ? items.map((m) => changed[m.id] ?? null) : (replies.shift()![1] as (string | null)[]);
    const scores = (replies[0]?.[1] ?? []) as (string | null)[];
    const deletedSeqs = new Set(replySeqs.filter((_, i) => scores[i] !== null && scores[i] !== undefined));
    return items.map((m, i) => messageView(newer[i] ? parseStored(newer[i]) : m, { ...this.view, deletedSeqs }));
  }

  /** A message just posted, as served: nothing can have changed it yet, so Redis is not asked. */
  fresh(message: StoredMessage): Message {
    return messageView(message, { ...this.view, deletedSeqs: new Set() });
  }

  /** One message as served (a push of a change, an answer to one). */
  async serveOne(message: StoredMessage): Promise<Message> {
    const [served] = await this.serve(message.chatId, [message]);
    return served!;
  }

  /** The changes of one chat the store has not been given yet, as written JSON by message id. */
  pending(chatId: string): Promise<Record<string, string>> {
    return this.redis.hgetall(chatKey.changed(chatId));
  }

  /** Forgets a change the store now has, unless it changed again meanwhile. */
  async written(chatId: string, messageId: string, json: string): Promise<void> {
    await this.redis.eval(WRITTEN, 1, chatKey.changed(chatId), messageId, json);
  }
}
