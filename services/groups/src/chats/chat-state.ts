import { randomBytes } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { ChatStateChanged, INTERNAL } from '@messenger/contracts';
import { ServiceError, type Logger } from '@messenger/kit';
import { chatNotFound, type Access } from './chat-access.js';
import { chatKey } from './chat-keys.js';
import type { ChatDoc } from './chat.model.js';
import { fromRecord, toRecord } from './chat-record.js';
import type { ChatLocks } from './chat-lock.js';
import type { ChatChanges, ChatsRepository } from './chats.repository.js';
import type { MembershipIndex } from './membership-index.js';

/** A cached chat and the generation it was current at. */
export interface ChatEntry {
  chat: ChatDoc;
  gen: string;
}

/** What a change does, planned from a fresh read of the chat under its lock. */
export type ChangePlan =
  | { set: ChatChanges; after?: (chat: ChatDoc, gen: string) => Promise<void> }
  | { remove: true; after?: () => Promise<void> }
  | { nothing: true };

const NO_GEN = '0';
const WRITE_ATTEMPTS = 5;

/** Throws NOT_FOUND unless `userId` is a participant: non-members cannot tell a chat exists. */
export const accessIn = (chat: ChatDoc | null | undefined, userId: string): Access => {
  const me = chat?.participants.find((p) => p.user === userId);
  if (!chat || !me) throw chatNotFound();
  return { chat, me };
};

/**
 * The one owner of a chat's rules and members on this replica: the cache every request reads, the lock,
 * the generation, the membership index and the change announcements all go through here.
 *
 * Coherence across replicas: every change replaces the chat's generation token in Redis before it writes
 * the store and again after, then announces the new state on core NATS. A request trusts its cached copy
 * only while the copy's generation equals Redis's (the send script checks it atomically with taking the
 * message number), so a replica that missed the announcement reloads instead of acting on an old role.
 * A reader that loads between the two replacements caches a generation the second one retires.
 */
export class ChatState {
  private readonly cache = new Map<string, ChatEntry>();
  private readonly loading = new Map<string, Promise<ChatEntry | null>>();
  private readonly origin = randomBytes(6).toString('hex');
  private subscription?: Subscription;

  constructor(
    private readonly chats: ChatsRepository,
    private readonly redis: Redis,
    private readonly nats: NatsConnection,
    private readonly locks: ChatLocks,
    private readonly index: MembershipIndex,
    private readonly logger: Logger,
    private readonly maxEntries = 50_000,
  ) {}

  /** Starts taking other replicas' announcements. */
  listen(): void {
    this.subscription = this.nats.subscribe(INTERNAL.chatState, {
      callback: (error, msg) => {
        if (error) return;
        if (msg.headers?.get('origin') === this.origin) return;
        const parsed = ChatStateChanged.safeParse(msg.json());
        if (!parsed.success) {
          this.logger.warn({ issues: parsed.error.issues.slice(0, 3) }, 'malformed chat state announcement dropped');
          return;
        }
        const { chatId, gen, chat } = parsed.data;
        if (!chat) this.cache.delete(chatId);
        // Announcements from different replicas can cross: an older version never replaces a newer one.
        else if ((this.cache.get(chatId)?.chat.version ?? -1) <= chat.version) this.remember(chatId, { chat: fromRecord(chat), gen });
      },
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  /** The chat as cached, checked against Redis (one GET); loaded from the store when missing or stale. */
  async get(chatId: string): Promise<ChatEntry | null> {
    const cached = this.cache.get(chatId);
    if (cached && cached.gen === ((await this.redis.get(chatKey.gen(chatId))) ?? NO_GEN)) return cached;
    return this.load(chatId);
  }

  /** The cached copy without a check: for callers whose own Redis script checks `gen` atomically. */
  peek(chatId: string): ChatEntry | undefined {
    return this.cache.get(chatId);
  }

  async access(chatId: string, userId: string): Promise<Access & { gen: string }> {
    const entry = await this.get(chatId);
    return { ...accessIn(entry?.chat, userId), gen: entry?.gen ?? NO_GEN };
  }

  /** Many chats: one MGET for their generations, one store query for whatever is missing or stale. */
  async getMany(chatIds: string[]): Promise<ChatEntry[]> {
    if (!chatIds.length) return [];
    const gens = await this.redis.mget(chatIds.map((id) => chatKey.gen(id)));
    const found: ChatEntry[] = [];
    const missing: { id: string; gen: string }[] = [];
    chatIds.forEach((id, i) => {
      const gen = gens[i] ?? NO_GEN;
      const cached = this.cache.get(id);
      if (cached && cached.gen === gen) found.push(cached);
      else missing.push({ id, gen });
    });
    if (missing.length) {
      const loaded = new Map((await this.chats.findManyByIds(missing.map((m) => m.id))).map((c) => [c._id.toHexString(), c]));
      for (const { id, gen } of missing) {
        const chat = loaded.get(id);
        if (!chat) continue;
        const entry = { chat, gen };
        this.remember(id, entry);
        found.push(entry);
      }
    }
    return found;
  }

  /**
   * Fills the cache before the replica says it is ready: the most recently changed chats, up to the cache's size,
   * in one store query and one MGET of their generations. Returns how many.
   */
  async warm(): Promise<number> {
    const started = performance.now();
    const chats = await this.chats.recentlyChanged(this.maxEntries);
    const gens = chats.length ? await this.redis.mget(chats.map((c) => chatKey.gen(c._id.toHexString()))) : [];
    // Oldest first, so the most recent end up as the most recently used. A chat already cached came from an
    // announcement or a load made meanwhile, which is newer: a change landing between the find and the MGET is
    // announced (this replica listens already), and its announcement replaces what is put here.
    chats.forEach((chat, i) => {
      const chatId = chat._id.toHexString();
      if (!this.cache.has(chatId)) this.remember(chatId, { chat, gen: gens[i] ?? NO_GEN });
    });
    this.logger.info({ chats: chats.length, ms: Math.round(performance.now() - started) }, 'chat cache warmed from the store');
    return chats.length;
  }

  /** Reads the chat from the store (a cold path: a miss, a stale copy). Concurrent callers share one read. */
  load(chatId: string): Promise<ChatEntry | null> {
    const pending = this.loading.get(chatId);
    if (pending) return pending;
    const work = (async () => {
      // The generation is read first: a change landing during the read retires it, so a stale copy cannot stick.
      const gen = (await this.redis.get(chatKey.gen(chatId))) ?? NO_GEN;
      const chat = await this.chats.findById(chatId);
      if (!chat) {
        this.cache.delete(chatId);
        return null;
      }
      const entry = { chat, gen };
      this.remember(chatId, entry);
      return entry;
    })().finally(() => this.loading.delete(chatId));
    this.loading.set(chatId, work);
    return work;
  }

  /** A chat just inserted: cached, indexed and announced, with no store read. */
  async created(chat: ChatDoc): Promise<ChatEntry> {
    const chatId = chat._id.toHexString();
    const gen = await this.retire(chatId);
    await this.index.join(
      chatId,
      chat.participants.map((p) => p.user),
    );
    const entry = { chat, gen };
    this.remember(chatId, entry);
    this.announce(chatId, gen, chat);
    return entry;
  }

  /**
   * Changes a chat under its lock: `plan` sees the chat as the store has it now and returns what to set (or to
   * delete the chat); the store is written, the cache, index and other replicas follow, then `after` runs (system
   * lines, pushes) still under the lock, so changes of one chat are told in the order they happened.
   */
  change(chatId: string, plan: (chat: ChatDoc | null) => ChangePlan): Promise<ChatDoc | null> {
    return this.locks.withLock(chatId, async () => {
      for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
        await this.retire(chatId);
        const before = await this.chats.findById(chatId);
        const planned = plan(before);
        if ('nothing' in planned) {
          // Every copy was retired above; what was read under the lock is current: hand it out again.
          if (before) {
            const gen = await this.retire(chatId);
            this.remember(chatId, { chat: before, gen });
            this.announce(chatId, gen, before);
          }
          return before;
        }
        if (!before) throw chatNotFound();
        if ('remove' in planned) {
          await this.chats.delete(before._id);
          const gen = await this.retire(chatId);
          this.cache.delete(chatId);
          await this.index.leave(
            chatId,
            before.participants.map((p) => p.user),
          );
          this.announce(chatId, gen, null);
          await planned.after?.();
          return null;
        }
        // The lock makes a lost race unlikely; the version guard makes it harmless (FerretDB's lack of atomic
        // updates stays behind the repository's conditional write).
        const updated = await this.chats.replaceIfUnchanged(before, planned.set);
        if (!updated) continue;
        const gen = await this.retire(chatId);
        this.remember(chatId, { chat: updated, gen });
        const was = new Set(before.participants.map((p) => p.user));
        const now = new Set(updated.participants.map((p) => p.user));
        await this.index.join(
          chatId,
          [...now].filter((id) => !was.has(id)),
        );
        await this.index.leave(
          chatId,
          [...was].filter((id) => !now.has(id)),
        );
        this.announce(chatId, gen, updated);
        await planned.after?.(updated, gen);
        return updated;
      }
      throw new ServiceError('CONFLICT', 'the chat is changing too fast; try again');
    });
  }

  /** Replaces the chat's generation: every cached copy made before is stale from now on. */
  private async retire(chatId: string): Promise<string> {
    const gen = randomBytes(9).toString('base64url');
    await this.redis.set(chatKey.gen(chatId), gen);
    return gen;
  }

  private announce(chatId: string, gen: string, chat: ChatDoc | null): void {
    const headers = { headers: natsOrigin(this.origin) };
    this.nats.publish(
      INTERNAL.chatState,
      JSON.stringify({ chatId, gen, chat: chat ? toRecord(chat) : null } satisfies ChatStateChanged),
      headers,
    );
  }

  private remember(chatId: string, entry: ChatEntry): void {
    // Insertion order is recency: re-inserting moves the chat to the end, the oldest goes first.
    this.cache.delete(chatId);
    this.cache.set(chatId, entry);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
  }
}

const natsOrigin = (origin: string) => {
  const headers = natsHeaders();
  headers.set('origin', origin);
  return headers;
};
