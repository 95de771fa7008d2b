import type { Redis } from 'ioredis';
import type { Message } from '@messenger/contracts';
import { chatKey } from '../chats/chat-keys.js';
import { parseStored, type StoredMessage } from './message-view.js';

/** How many mentions of one member a chat remembers (the "@" badge counts at most this many), and for how long. */
const MENTIONS_KEPT = 100;
const MENTIONS_TTL_SECONDS = 90 * 24 * 3600;

/** How long a retried send (same clientId) gets the first answer back. */
const SENT_TTL_SECONDS = 24 * 3600;

// Takes the next message number, unless the caller's copy of the chat is stale ('stale': reload and try again)
// or Redis has no counter for the chat ('cold': load it from the store first). A clientId seen before answers
// with the first message ('dup'). The sender has read what they send.
const RESERVE = `
local gen = redis.call('GET', KEYS[1]) or '0'
if gen ~= ARGV[1] then return {'stale'} end
if redis.call('EXISTS', KEYS[2]) == 0 then return {'cold'} end
if ARGV[7] == '1' then
  local prior = redis.call('HMGET', KEYS[4], 'id', 'seq', 'at', 'text', 'stored')
  if prior[1] then return {'dup', prior[1], prior[2], prior[3], prior[4], prior[5] or ''} end
end
local seq = redis.call('INCR', KEYS[2])
if ARGV[2] ~= '' then
  local current = tonumber(redis.call('HGET', KEYS[3], ARGV[2]) or '0')
  if seq > current then redis.call('HSET', KEYS[3], ARGV[2], seq) end
end
if ARGV[7] == '1' then
  redis.call('HSET', KEYS[4], 'id', ARGV[3], 'seq', seq, 'at', ARGV[4], 'text', ARGV[5])
  redis.call('EXPIRE', KEYS[4], ARGV[6])
end
return {'ok', tostring(seq)}`;

// After the insert: the message joins the recent window (trimmed to its size, the window's floor raised with
// it), the preview moves forward only, and a retried send learns the first one was stored.
const COMMIT = `
local seq = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], seq, ARGV[2])
redis.call('HSET', KEYS[2], ARGV[3], seq)
local size = tonumber(ARGV[4])
local n = redis.call('ZCARD', KEYS[1])
if n > size then
  local gone = redis.call('ZRANGE', KEYS[1], 0, n - size - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - size - 1)
  for _, m in ipairs(gone) do redis.call('HDEL', KEYS[2], cjson.decode(m).id) end
  local from = redis.call('GET', KEYS[3])
  if from then
    local lowest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    if tonumber(lowest[2]) > tonumber(from) then redis.call('SET', KEYS[3], lowest[2]) end
  end
end
local last = redis.call('GET', KEYS[4])
if (not last) or cjson.decode(last).seq < seq then redis.call('SET', KEYS[4], ARGV[5]) end
if ARGV[6] == '1' then redis.call('HSET', KEYS[5], 'stored', '1') end
for i = 6, #KEYS do
  redis.call('ZADD', KEYS[i], seq, seq)
  redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -${MENTIONS_KEPT + 1})
  redis.call('EXPIRE', KEYS[i], ${MENTIONS_TTL_SECONDS})
end
return n`;

// Moves a read position forward only; returns where it stands, the chat's last seq, and how many messages after it
// were deleted (they are not unread).
const MARK_READ = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local seq = tonumber(ARGV[2])
if seq > current then redis.call('HSET', KEYS[1], ARGV[1], seq) current = seq end
return {current, tonumber(redis.call('GET', KEYS[2]) or '0'), redis.call('ZCOUNT', KEYS[3], '(' .. current, '+inf')}`;

// Loads a chat's counters from what the store says (after Redis lost them), never moving anything back.
const WARM = `
local seq = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if seq > current then redis.call('SET', KEYS[1], seq) end
if ARGV[2] ~= '' and not redis.call('GET', KEYS[3]) then redis.call('SET', KEYS[3], ARGV[2]) end
for i = 3, #ARGV, 2 do
  local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[i]) or '0')
  if tonumber(ARGV[i + 1]) > mine then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
return 1`;

// Fills the recent window from a store page (newest first), keeping whatever sends added meanwhile.
const FILL = `
local size = tonumber(ARGV[1])
local from = tonumber(ARGV[2])
for i = 3, #ARGV, 3 do
  redis.call('ZADD', KEYS[1], 'NX', ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[2], ARGV[i + 2], ARGV[i])
end
local n = redis.call('ZCARD', KEYS[1])
if n > size then
  local gone = redis.call('ZRANGE', KEYS[1], 0, n - size - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - size - 1)
  for _, m in ipairs(gone) do redis.call('HDEL', KEYS[2], cjson.decode(m).id) end
  local lowest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if tonumber(lowest[2]) > from then from = tonumber(lowest[2]) end
end
redis.call('SET', KEYS[3], from)
return from`;

export interface Preview {
  seq: number;
  id: string;
  senderId: string | null;
  kind: Message['kind'];
  text: string;
  system: Message['system'];
  createdAt: string;
  deleted?: boolean;
}

const PREVIEW_LENGTH = 120;

/** The chat list's line for a message: its text cut short; a message of files alone names them. */
export const previewOf = (message: StoredMessage): Preview => ({
  seq: message.seq,
  id: message.id,
  senderId: message.senderId,
  kind: message.kind,
  text: (message.text || message.attachments.map((a) => `📎 ${a.name}`).join(', ')).slice(0, PREVIEW_LENGTH),
  system: message.system,
  createdAt: message.createdAt,
  ...(message.deletedAt ? { deleted: true } : {}),
});

export type Reserved =
  | { outcome: 'ok'; seq: number }
  | { outcome: 'stale' }
  | { outcome: 'cold' }
  | { outcome: 'dup'; id: string; seq: number; createdAt: Date; text: string; stored: boolean };

/** A chat's counters as one viewer needs them. */
export interface ChatCounts {
  lastSeq: number;
  readSeq: number;
  /** Unread messages: those after the read mark that are not deleted. */
  unread: number;
  /** Unread messages mentioning the viewer. */
  mentionCount: number;
  /** The furthest another member has read (read ticks on the viewer's own messages). */
  othersReadSeq: number;
  last: Preview | null;
}

/** What the store says, to load counters Redis lost. */
export interface StoredCounts {
  lastSeq: number;
  last: Preview | null;
  reads: Map<string, number>;
}

/** What one viewer sees of a chat's counters: their own read position, and the furthest anyone else has read. */
const countsOf = (viewerId: string, lastSeq: number, reads: Record<string, string>, last: Preview | null): ChatCounts => {
  let othersReadSeq = 0;
  for (const [user, seq] of Object.entries(reads)) if (user !== viewerId) othersReadSeq = Math.max(othersReadSeq, Number(seq));
  const readSeq = Number(reads[viewerId] ?? 0);
  return { lastSeq, readSeq, unread: Math.max(0, lastSeq - readSeq), mentionCount: 0, othersReadSeq, last };
};

/**
 * Everything that moves with each message, in Redis and changed only by atomic scripts: the message counter, read
 * positions, the preview, retried-send answers and the recent window. The store keeps the messages themselves and
 * (written off the request path) read positions; both are enough to load these again.
 */
export class ChatCounters {
  constructor(
    private readonly redis: Redis,
    readonly windowSize: number,
  ) {}

  /** A new chat: its counter starts at 0 and its (empty) window is the whole history. */
  async init(chatId: string): Promise<void> {
    await this.redis.multi().set(chatKey.seq(chatId), 0, 'NX').set(chatKey.recentFrom(chatId), 0, 'NX').exec();
  }

  async reserve(
    chatId: string,
    gen: string,
    input: { readerId: string | null; id: string; createdAt: Date; text: string; dedupe: { userId: string; clientId: string } | null },
  ): Promise<Reserved> {
    const sent = input.dedupe ? chatKey.sent(chatId, input.dedupe.userId, input.dedupe.clientId) : chatKey.sent(chatId, '-', '-');
    const reply = (await this.redis.eval(
      RESERVE,
      4,
      chatKey.gen(chatId),
      chatKey.seq(chatId),
      chatKey.reads(chatId),
      sent,
      gen,
      input.readerId ?? '',
      input.id,
      String(input.createdAt.getTime()),
      input.text,
      String(SENT_TTL_SECONDS),
      input.dedupe ? '1' : '0',
    )) as string[];
    switch (reply[0]) {
      case 'ok':
        return { outcome: 'ok', seq: Number(reply[1]) };
      case 'dup':
        return {
          outcome: 'dup',
          id: reply[1]!,
          seq: Number(reply[2]),
          createdAt: new Date(Number(reply[3])),
          text: reply[4]!,
          stored: reply[5] === '1',
        };
      case 'cold':
        return { outcome: 'cold' };
      default:
        return { outcome: 'stale' };
    }
  }

  /** After the insert; `mentioned`: the members whose "@" count this message raises. */
  async commit(
    message: StoredMessage,
    preview: Preview,
    dedupe: { userId: string; clientId: string } | null,
    mentioned: string[] = [],
  ): Promise<void> {
    const chatId = message.chatId;
    await this.redis.eval(
      COMMIT,
      5 + mentioned.length,
      chatKey.recent(chatId),
      chatKey.recentIds(chatId),
      chatKey.recentFrom(chatId),
      chatKey.last(chatId),
      dedupe ? chatKey.sent(chatId, dedupe.userId, dedupe.clientId) : chatKey.sent(chatId, '-', '-'),
      ...mentioned.map((userId) => chatKey.mentions(chatId, userId)),
      String(message.seq),
      JSON.stringify(message),
      message.id,
      String(this.windowSize),
      JSON.stringify(preview),
      dedupe ? '1' : '0',
    );
  }

  /** Drops a retried send's remembered answer (its number turned out to be unusable). */
  async forgetSent(chatId: string, dedupe: { userId: string; clientId: string } | null): Promise<void> {
    if (dedupe) await this.redis.del(chatKey.sent(chatId, dedupe.userId, dedupe.clientId));
  }

  async markRead(chatId: string, userId: string, seq: number): Promise<{ readSeq: number; lastSeq: number; unread: number }> {
    const [readSeq, lastSeq, deletedAfter] = (await this.redis.eval(
      MARK_READ,
      3,
      chatKey.reads(chatId),
      chatKey.seq(chatId),
      chatKey.deleted(chatId),
      userId,
      String(seq),
    )) as number[];
    return { readSeq: readSeq!, lastSeq: lastSeq!, unread: Math.max(0, lastSeq! - readSeq! - deletedAfter!) };
  }

  /** The seq of a message in the recent window, or undefined. */
  async seqOf(chatId: string, messageId: string): Promise<number | undefined> {
    const seq = await this.redis.hget(chatKey.recentIds(chatId), messageId);
    return seq === null ? undefined : Number(seq);
  }

  /** Counters of many chats for one viewer, in one round trip; chats whose counter Redis lacks are left out. */
  async countsFor(viewerId: string, chatIds: string[]): Promise<Map<string, ChatCounts>> {
    const result = new Map<string, ChatCounts>();
    if (!chatIds.length) return result;
    const pipeline = this.redis.pipeline();
    for (const chatId of chatIds) pipeline.get(chatKey.seq(chatId)).hgetall(chatKey.reads(chatId)).get(chatKey.last(chatId));
    const replies = (await pipeline.exec()) ?? [];
    chatIds.forEach((chatId, i) => {
      const [seqReply, readsReply, lastReply] = replies.slice(i * 3, i * 3 + 3);
      if (seqReply?.[0] || readsReply?.[0] || lastReply?.[0]) throw seqReply?.[0] ?? readsReply?.[0] ?? lastReply?.[0];
      if (seqReply?.[1] === null || seqReply?.[1] === undefined) return;
      const last = lastReply![1] ? (JSON.parse(lastReply![1] as string) as Preview) : null;
      result.set(chatId, countsOf(viewerId, Number(seqReply[1]), readsReply![1] as Record<string, string>, last));
    });
    await this.afterReadMarks([...result].map(([chatId, counts]) => ({ chatId, viewerId, counts })));
    return result;
  }

  /** Takes deleted messages out of unread counts and counts mentions, both after each viewer's read mark: one round trip. */
  private async afterReadMarks(entries: { chatId: string; viewerId: string; counts: ChatCounts }[]): Promise<void> {
    if (!entries.length) return;
    const pipeline = this.redis.pipeline();
    for (const { chatId, viewerId, counts } of entries)
      pipeline
        .zcount(chatKey.deleted(chatId), `(${counts.readSeq}`, '+inf')
        .zcount(chatKey.mentions(chatId, viewerId), `(${counts.readSeq}`, '+inf');
    const replies = (await pipeline.exec()) ?? [];
    entries.forEach(({ counts }, i) => {
      const [[deletedError, deleted], [mentionsError, mentions]] = replies.slice(i * 2, i * 2 + 2) as [
        [Error | null, number],
        [Error | null, number],
      ];
      if (deletedError || mentionsError) throw deletedError ?? mentionsError;
      counts.unread = Math.max(0, counts.lastSeq - counts.readSeq - deleted);
      counts.mentionCount = mentions;
    });
  }

  /** One chat's counters for each of its members (pushing each member their own view). */
  async countsForMembers(chatId: string, memberIds: string[]): Promise<Map<string, ChatCounts>> {
    const [seq, reads, last] = await Promise.all([
      this.redis.get(chatKey.seq(chatId)),
      this.redis.hgetall(chatKey.reads(chatId)),
      this.redis.get(chatKey.last(chatId)),
    ]);
    const preview = last ? (JSON.parse(last) as Preview) : null;
    const result = new Map<string, ChatCounts>();
    for (const viewerId of memberIds) result.set(viewerId, countsOf(viewerId, Number(seq ?? 0), reads, preview));
    await this.afterReadMarks([...result].map(([viewerId, counts]) => ({ chatId, viewerId, counts })));
    return result;
  }

  async hasCounter(chatId: string): Promise<boolean> {
    return (await this.redis.exists(chatKey.seq(chatId))) === 1;
  }

  async warm(chatId: string, stored: StoredCounts): Promise<void> {
    const reads = [...stored.reads].flatMap(([user, seq]) => [user, String(seq)]);
    await this.redis.eval(
      WARM,
      3,
      chatKey.seq(chatId),
      chatKey.reads(chatId),
      chatKey.last(chatId),
      String(stored.lastSeq),
      stored.last ? JSON.stringify(stored.last) : '',
      ...reads,
    );
  }

  /**
   * The recent window's page: newest first strictly before `before` (or from the newest), or oldest first
   * strictly after `after`. `complete` says whether the window could answer it whole; `loaded` false means the
   * window was never filled.
   */
  async page(
    chatId: string,
    query: { before?: number; after?: number; limit: number },
  ): Promise<{ loaded: boolean; items: StoredMessage[]; complete: boolean; changed: Record<string, string> }> {
    // The changes the store has not been given yet come along (a handful: they are drained every second).
    const pipeline = this.redis.pipeline().hgetall(chatKey.changed(chatId)).get(chatKey.recentFrom(chatId));
    if (query.after !== undefined) pipeline.zrangebyscore(chatKey.recent(chatId), `(${query.after}`, '+inf', 'LIMIT', 0, query.limit);
    else
      pipeline.zrevrangebyscore(
        chatKey.recent(chatId),
        query.before !== undefined ? `(${query.before}` : '+inf',
        '-inf',
        'LIMIT',
        0,
        query.limit,
      );
    const [[changedError, changedReply], [fromError, fromReply], [itemsError, itemsReply]] = (await pipeline.exec()) as [
      [Error | null, unknown],
      [Error | null, unknown],
      [Error | null, unknown],
    ];
    if (changedError || fromError || itemsError) throw changedError ?? fromError ?? itemsError;
    const changed = changedReply as Record<string, string>;
    if (fromReply === null) return { loaded: false, items: [], complete: false, changed };
    const from = Number(fromReply);
    const items = (itemsReply as string[]).map(parseStored);
    if (query.after !== undefined) return { loaded: true, items, complete: query.after + 1 >= from, changed };
    // Newest first: the window holds every message from its floor up, so the page is whole when it filled up,
    // or when nothing can lie below the floor (seqs start at 1).
    const complete = items.length === query.limit || from <= 1;
    return { loaded: true, items, complete, changed };
  }

  /** Fills the window from the store's newest page (newest first); `whole` when that page is the entire history. */
  async fill(chatId: string, newestFirst: StoredMessage[], whole: boolean): Promise<void> {
    const floor = whole ? 0 : (newestFirst[newestFirst.length - 1]?.seq ?? 0);
    await this.redis.eval(
      FILL,
      3,
      chatKey.recent(chatId),
      chatKey.recentIds(chatId),
      chatKey.recentFrom(chatId),
      String(this.windowSize),
      String(floor),
      ...newestFirst.flatMap((m) => [String(m.seq), JSON.stringify(m), m.id]),
    );
  }

  /** Forgets a deleted chat's counters and window. */
  async forget(chatId: string): Promise<void> {
    await this.redis.del(
      chatKey.seq(chatId),
      chatKey.reads(chatId),
      chatKey.last(chatId),
      chatKey.recent(chatId),
      chatKey.recentIds(chatId),
      chatKey.recentFrom(chatId),
      chatKey.members(chatId),
      chatKey.changed(chatId),
      chatKey.deleted(chatId),
    );
  }
}
