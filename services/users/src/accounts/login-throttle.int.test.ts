import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '@messenger/kit/servers';
import { LoginThrottle } from './login-throttle.js';

const SECOND = 1_000;
const LIMITS = { freeFailures: 3, perAddress: 10, baseDelayMs: 10 * SECOND, maxDelayMs: 60 * SECOND, windowMs: 300 * SECOND };

describe('login throttle in Redis', () => {
  let server: RedisServer;
  let redis: Redis;
  let throttle: LoginThrottle;

  beforeAll(async () => {
    server = await startRedis({ dataDir: mkdtempSync(join(tmpdir(), 'login-throttle-')) });
    redis = new Redis(server.url);
    throttle = new LoginThrottle(redis, LIMITS);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  const username = () => `u_${randomBytes(4).toString('hex')}`;
  const address = () => `10.${randomBytes(3).join('.')}`;
  /** Failed attempts one after another, all at `now`. */
  const fail = async (user: string, ip: string, times: number, now: number) => {
    for (let i = 0; i < times; i++) await throttle.admit(user, ip, now);
  };

  it('admits exactly the free failures of many parallel attempts', async () => {
    const [user, ip, now] = [username(), address(), Date.now()];
    const verdicts = await Promise.all(Array.from({ length: 40 }, () => throttle.admit(user, ip, now)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(LIMITS.freeFailures);
    expect(verdicts.find((v) => !v.allowed)).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('doubles the wait with every failure after the free ones, up to the cap', async () => {
    const [user, ip] = [username(), address()];
    let now = Date.now();
    await fail(user, ip, LIMITS.freeFailures, now);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const verdict = await throttle.admit(user, ip, now);
      if (verdict.allowed) throw new Error('admitted while waiting');
      waits.push(verdict.retryAfterSeconds);
      now += verdict.retryAfterSeconds * SECOND;
      expect(await throttle.admit(user, ip, now)).toEqual({ allowed: true });
    }
    expect(waits).toEqual([10, 20, 40, 60, 60]);
  });

  it('keeps the failures of one address from locking the username out elsewhere', async () => {
    const [user, now] = [username(), Date.now()];
    await fail(user, address(), LIMITS.freeFailures + 2, now);
    expect(await throttle.admit(user, address(), now)).toEqual({ allowed: true });
  });

  it("forgets an address's failures for the username when it signs in, and only those", async () => {
    const [user, other, ip, now] = [username(), username(), address(), Date.now()];
    await fail(other, ip, 2, now);
    await fail(user, ip, LIMITS.freeFailures, now);
    expect((await throttle.admit(user, ip, now)).allowed).toBe(false);
    const later = now + LIMITS.baseDelayMs;
    expect(await throttle.admit(user, ip, later)).toEqual({ allowed: true });
    await throttle.succeeded(user, ip);
    await fail(user, ip, LIMITS.freeFailures - 1, later);
    expect(await throttle.admit(user, ip, later)).toEqual({ allowed: true });
    // The address keeps every failed attempt, on either username; the successful one was given back.
    expect(Number(await redis.get(`login:fail:ip:${ip}`))).toBe(2 + LIMITS.freeFailures + LIMITS.freeFailures);
  });

  it('limits one address over all usernames, and a sign-in gives back only its own attempt', async () => {
    const [ip, now] = [address(), Date.now()];
    for (let i = 0; i < LIMITS.perAddress - 1; i++) await throttle.admit(username(), ip, now);
    const user = username();
    expect(await throttle.admit(user, ip, now)).toEqual({ allowed: true });
    await throttle.succeeded(user, ip);
    expect(await throttle.admit(username(), ip, now)).toEqual({ allowed: true });
    const refused = await throttle.admit(username(), ip, now);
    expect(refused.allowed).toBe(false);
    expect(refused).toMatchObject({ retryAfterSeconds: expect.any(Number) });
    expect(await throttle.admit(username(), address(), now)).toEqual({ allowed: true });
  });

  it('remembers failures for the window after the wait they earned, then forgets them', async () => {
    const [user, ip, now] = [username(), address(), Date.now()];
    await fail(user, ip, LIMITS.freeFailures, now);
    const ttl = await redis.pttl(`login:fail:${JSON.stringify([user, ip])}`);
    expect(ttl).toBeGreaterThan(LIMITS.windowMs + LIMITS.baseDelayMs - 5 * SECOND);
    expect(ttl).toBeLessThanOrEqual(LIMITS.windowMs + LIMITS.baseDelayMs);
  });
});
