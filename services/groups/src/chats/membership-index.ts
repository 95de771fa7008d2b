import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '@messenger/kit';
import { chatKey, INDEX_BUILD_LOCK, INDEX_BUILT, userKey } from './chat-keys.js';
import type { ChatsRepository } from './chats.repository.js';

const BUILD_LEASE_MS = 120_000;

/**
 * Who is in which chat, as Redis sets kept by every membership change: a user's chats (the chat list) and a
 * chat's members, whose union over a user's chats is their contacts (presence). Built from the store once,
 * by one replica, before any replica says it is ready; built again if Redis loses it.
 */
export class MembershipIndex {
  constructor(
    private readonly redis: Redis,
    private readonly chats: ChatsRepository,
    private readonly logger: Logger,
  ) {}

  async join(chatId: string, userIds: string[]): Promise<void> {
    if (!userIds.length) return;
    const pipeline = this.redis.multi();
    pipeline.sadd(chatKey.members(chatId), ...userIds);
    for (const userId of userIds) pipeline.sadd(userKey.chats(userId), chatId);
    await pipeline.exec();
  }

  async leave(chatId: string, userIds: string[]): Promise<void> {
    if (!userIds.length) return;
    const pipeline = this.redis.multi();
    pipeline.srem(chatKey.members(chatId), ...userIds);
    for (const userId of userIds) pipeline.srem(userKey.chats(userId), chatId);
    await pipeline.exec();
  }

  chatsOf(userId: string): Promise<string[]> {
    return this.redis.smembers(userKey.chats(userId));
  }

  /** Everyone who shares at least one chat with each user, in two round trips: their chats, then each chat's members once. */
  async contactsOfMany(userIds: string[]): Promise<Map<string, string[]>> {
    const chatsOf = await this.readSets(userIds.map((id) => userKey.chats(id)));
    const chatIds = [...new Set(chatsOf.flat())];
    const membersOf = new Map(
      chatIds.length ? (await this.readSets(chatIds.map((id) => chatKey.members(id)))).map((m, i) => [chatIds[i]!, m]) : [],
    );
    return new Map(
      userIds.map((userId, i) => {
        const contacts = new Set<string>();
        for (const chatId of chatsOf[i]!) for (const id of membersOf.get(chatId) ?? []) contacts.add(id);
        contacts.delete(userId);
        return [userId, [...contacts]];
      }),
    );
  }

  private async readSets(keys: string[]): Promise<string[][]> {
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.smembers(key);
    return ((await pipeline.exec()) ?? []).map(([error, members]) => {
      if (error) throw error;
      return members as string[];
    });
  }

  /** True once the sets are complete. */
  async built(): Promise<boolean> {
    return (await this.redis.exists(INDEX_BUILT)) === 1;
  }

  /**
   * Builds the sets from the store if nobody has (one full read of the chats: a cold path, timed in the log).
   * Replicas that lose the race wait for the winner.
   */
  async ensureBuilt(timeoutMs = BUILD_LEASE_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.built())) {
      const token = randomBytes(9).toString('base64url');
      if ((await this.redis.set(INDEX_BUILD_LOCK, token, 'PX', BUILD_LEASE_MS, 'NX')) === 'OK') {
        try {
          await this.build();
        } finally {
          await this.redis.eval(
            `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
            1,
            INDEX_BUILD_LOCK,
            token,
          );
        }
        return;
      }
      if (Date.now() > deadline) throw new Error('the membership index was not built in time');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Checks now and then that Redis still has the index, and builds it again if not. Returns a stop function. */
  keepBuilt(intervalMs = 10_000): () => void {
    const timer = setInterval(() => {
      this.ensureBuilt().catch((error: unknown) => this.logger.warn({ err: error }, 'membership index rebuild failed'));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async build(): Promise<void> {
    const started = performance.now();
    let chats = 0;
    let pipeline = this.redis.pipeline();
    for await (const chat of this.chats.everyMembership()) {
      const chatId = chat._id.toHexString();
      const members = chat.participants.map((p) => p.user);
      chats++;
      pipeline.del(chatKey.members(chatId));
      if (members.length) pipeline.sadd(chatKey.members(chatId), ...members);
      for (const userId of members) pipeline.sadd(userKey.chats(userId), chatId);
      if (pipeline.length >= 1_000) {
        await pipeline.exec();
        pipeline = this.redis.pipeline();
      }
    }
    pipeline.set(INDEX_BUILT, new Date().toISOString());
    await pipeline.exec();
    this.logger.info({ chats, ms: Math.round(performance.now() - started) }, 'membership index built from the store');
  }
}
