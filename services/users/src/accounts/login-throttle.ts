import type { Redis } from 'ioredis';

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts failed logins per username and per client address in Redis, so the limit holds across
 * replicas. Once either count reaches its limit, logins for it are refused until the window ends.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly limits: { perUsername: number; perAddress: number; windowSeconds: number },
  ) {}

  private keys(username: string, address: string | undefined) {
    return {
      user: `login:fail:user:${username}`,
      address: address ? `login:fail:ip:${address}` : undefined,
    };
  }

  async check(username: string, address: string | undefined): Promise<ThrottleVerdict> {
    const keys = this.keys(username, address);
    const pipeline = this.redis.multi().get(keys.user).ttl(keys.user);
    if (keys.address) pipeline.get(keys.address).ttl(keys.address);
    const results = (await pipeline.exec()) ?? [];
    const value = (i: number) => Number(results[i]?.[1] ?? 0);
    const waits: number[] = [];
    if (value(0) >= this.limits.perUsername) waits.push(value(1));
    if (keys.address && value(2) >= this.limits.perAddress) waits.push(value(3));
    if (!waits.length) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, ...waits) };
  }

  async recordFailure(username: string, address: string | undefined): Promise<void> {
    const keys = this.keys(username, address);
    const pipeline = this.redis.multi();
    for (const key of [keys.user, keys.address]) {
      if (!key) continue;
      // NX: the window starts at the first failure and is not pushed back by later ones.
      pipeline.incr(key).expire(key, this.limits.windowSeconds, 'NX');
    }
    await pipeline.exec();
  }

  async recordSuccess(username: string): Promise<void> {
    await this.redis.del(this.keys(username, undefined).user);
  }
}
