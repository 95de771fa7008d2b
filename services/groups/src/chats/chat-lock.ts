import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ServiceError } from '@messenger/kit';
import { chatKey } from './chat-keys.js';

const LEASE_MS = 10_000;
const WAIT_MS = 5_000;

// Deletes the lock only if it is still ours: a holder whose lease ran out must not free the next one's.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * One writer at a time per chat for read-modify-write changes (members, roles, info, the live call). Redis is
 * atomic here and in production, which the local store is not (FACTS.md); a crashed holder's lease expires.
 */
export class ChatLocks {
  constructor(private readonly redis: Redis) {}

  async withLock<T>(chatId: string, work: () => Promise<T>): Promise<T> {
    const key = chatKey.lock(chatId);
    const token = randomBytes(9).toString('base64url');
    const deadline = Date.now() + WAIT_MS;
    for (let attempt = 0; (await this.redis.set(key, token, 'PX', LEASE_MS, 'NX')) !== 'OK'; attempt++) {
      if (Date.now() > deadline) throw new ServiceError('CONFLICT', 'the chat is changing too fast; try again');
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 + attempt * 3) * (0.5 + Math.random())));
    }
    try {
      return await work();
    } finally {
      await this.redis.eval(RELEASE, 1, key, token);
    }
  }
}
