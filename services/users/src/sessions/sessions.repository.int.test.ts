import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalStores } from '../testing/local-stores.js';
import { hashRefreshToken, newRefreshToken, readRefreshToken, type RefreshToken } from './refresh-token.js';
import type { SessionDoc } from './session.model.js';
import { SessionsRepository } from './sessions.repository.js';
import { StoredSessions } from './stored-sessions.js';

const DAY = 86_400_000;
const REFRESH_TTL_MS = 30 * DAY;
const USER = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const GRACE_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sign-ins and refresh tokens in Redis', () => {
  let stores: Awaited<ReturnType<typeof startLocalStores>>;
  let stored: StoredSessions;
  let sessions: SessionsRepository;

  beforeAll(async () => {
    stores = await startLocalStores('sessions');
    stored = new StoredSessions(stores.db);
    sessions = new SessionsRepository(stores.redis, stored, { refreshTtlMs: REFRESH_TTL_MS, reuseGraceMs: GRACE_MS });
    await sessions.init();
  });
  afterAll(async () => stores?.stop());
  beforeEach(async () => stores.settle());

  const signIn = async (expiresInMs = DAY) => {
    const familyId = randomUUID();
    const token = newRefreshToken(familyId, new Date(Date.now() + expiresInMs));
    await sessions.start(familyId, USER, token);
    return { familyId, token };
  };
  const nextOf = (familyId: string) => newRefreshToken(familyId, new Date(Date.now() + DAY));
  /** What a refresh does with a presented token: find its sign-in, then rotate. */
  const refresh = async (token: RefreshToken | string, next: (familyId: string) => RefreshToken = nextOf) => {
    const presented = readRefreshToken(typeof token === 'string' ? token : token.token)!;
    const familyId = await sessions.familyOf(presented);
    if (!familyId) return { outcome: 'refused' as const };
    return sessions.rotate(familyId, presented, next(familyId));
  };

  it('rotates: each refresh hands over the next token, and only the newest one works', async () => {
    const { familyId, token } = await signIn();
    const second = nextOf(familyId);
    expect(await refresh(token, () => second)).toEqual({ outcome: 'rotated', userId: USER });
    const third = nextOf(familyId);
    expect(await refresh(second, () => third)).toEqual({ outcome: 'rotated', userId: USER });
    expect(await stores.redis.pttl(`session:${familyId}`)).toBeGreaterThan(DAY - 60_000);
    expect(stores.storeCommands).toEqual([]);
  });

  it('revokes the whole sign-in when a used token comes back after the grace period, the newest token too', async () => {
    const { familyId, token } = await signIn();
    const second = nextOf(familyId);
    await refresh(token, () => second);
    await sleep(GRACE_MS + 50);
    expect(await refresh(token)).toEqual({ outcome: 'reused', userId: USER });
    expect(await refresh(second)).toEqual({ outcome: 'refused' });
    // Kept as long as any token of the sign-in could live.
    expect(await stores.redis.pttl(`session:${familyId}`)).toBeGreaterThan(REFRESH_TTL_MS - 60_000);
  });

  it('hands the token it replaced, presented within the grace period, the same successor, and the sign-in lives on', async () => {
    const { familyId, token } = await signIn();
    const second = nextOf(familyId);
    await refresh(token, () => second);
    expect(await refresh(token)).toEqual({ outcome: 'shared', userId: USER, successor: second });
    expect(await refresh(second)).toEqual({ outcome: 'rotated', userId: USER });
  });

  it('keeps no grace for a token two rotations old', async () => {
    const { familyId, token } = await signIn();
    const second = nextOf(familyId);
    await refresh(token, () => second);
    await refresh(second);
    expect(await refresh(token)).toEqual({ outcome: 'reused', userId: USER });
  });

  it('keeps in Redis no successor a token other than the one it replaced can open', async () => {
    const { familyId, token } = await signIn();
    const second = nextOf(familyId);
    await refresh(token, () => second);
    const fields = await stores.redis.hgetall(`session:${familyId}`);
    expect(Object.values(fields).some((value) => value.includes(second.token.split('.')[1]!))).toBe(false);
  });

  it('lets one of many racing refreshes with one token rotate, and hands all the others its successor', async () => {
    const { familyId, token } = await signIn();
    const nexts = Array.from({ length: 20 }, () => nextOf(familyId));
    const results = await Promise.all(nexts.map((next) => refresh(token, () => next)));
    expect(results.filter((r) => r.outcome === 'rotated')).toHaveLength(1);
    const winner = nexts[results.findIndex((r) => r.outcome === 'rotated')]!;
    expect(results.filter((r) => r.outcome === 'shared')).toEqual(Array(19).fill({ outcome: 'shared', userId: USER, successor: winner }));
    expect(await refresh(winner)).toEqual({ outcome: 'rotated', userId: USER });
  });

  it('refuses a token once it has expired', async () => {
    const { token } = await signIn(300);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await refresh(token)).toEqual({ outcome: 'refused' });
  });

  it('ends a sign-in on logout', async () => {
    const { familyId, token } = await signIn();
    await sessions.revoke(familyId);
    expect(await refresh(token)).toEqual({ outcome: 'refused' });
  });

  it('refuses a made-up token for a real sign-in as a reuse', async () => {
    const { familyId, token } = await signIn();
    expect(await refresh(`${familyId}.${randomBytes(32).toString('base64url')}`)).toEqual({ outcome: 'reused', userId: USER });
    expect(await refresh(token)).toEqual({ outcome: 'refused' });
  });

  it('refuses a token of a sign-in nobody started', async () => {
    expect(await refresh(newRefreshToken(randomUUID(), new Date(Date.now() + DAY)))).toEqual({ outcome: 'refused' });
  });

  describe('tokens issued before sign-ins lived in Redis', () => {
    const storedToken = async (familyId: string, over: { usedAt?: Date; revokedAt?: Date; expiresAt?: Date } = {}) => {
      const token = randomBytes(32).toString('base64url');
      await stores.db.model<SessionDoc>('Session').create({
        familyId,
        userId: USER,
        tokenHash: hashRefreshToken(token),
        expiresAt: over.expiresAt ?? new Date(Date.now() + DAY),
        usedAt: over.usedAt ?? null,
        revokedAt: over.revokedAt ?? null,
      });
      await stores.settle();
      return token;
    };

    it('reads one from the store once, then moves its sign-in to Redis', async () => {
      const familyId = randomUUID();
      const token = await storedToken(familyId);
      const second = nextOf(familyId);
      expect(await refresh(token, () => second)).toEqual({ outcome: 'rotated', userId: USER });
      expect(stores.storeCommands.filter((c) => c.startsWith('find'))).not.toEqual([]);
      stores.storeCommands.length = 0;
      expect(await refresh(second)).toEqual({ outcome: 'rotated', userId: USER });
      // Presented again after it was rotated: a reuse, found without the store.
      expect(await refresh(token)).toEqual({ outcome: 'reused', userId: USER });
      expect(stores.storeCommands).toEqual([]);
    });

    it('ends the sign-in when a token the store had marked used comes back, and its newest token with it', async () => {
      const familyId = randomUUID();
      const used = await storedToken(familyId, { usedAt: new Date() });
      const newest = await storedToken(familyId);
      expect(await refresh(used)).toEqual({ outcome: 'reused', userId: USER });
      expect(await refresh(newest)).toEqual({ outcome: 'refused' });
    });

    it('refuses one whose sign-in the store had revoked, or that has expired', async () => {
      expect(await refresh(await storedToken(randomUUID(), { revokedAt: new Date() }))).toEqual({ outcome: 'refused' });
      expect(await refresh(await storedToken(randomUUID(), { expiresAt: new Date(Date.now() - 1_000) }))).toEqual({ outcome: 'refused' });
    });

    it('asks the store once per unknown token, and not at all once no such token can be alive', async () => {
      const unknown = randomBytes(32).toString('base64url');
      expect(await refresh(unknown)).toEqual({ outcome: 'refused' });
      expect(await refresh(unknown)).toEqual({ outcome: 'refused' });
      expect(stores.storeCommands.filter((c) => c === 'find sessions')).toHaveLength(1);

      await stores.redis.set('session:store-lookups-until', String(Date.now() - 1));
      const later = new SessionsRepository(stores.redis, stored, { refreshTtlMs: REFRESH_TTL_MS, reuseGraceMs: GRACE_MS });
      await later.init();
      stores.storeCommands.length = 0;
      const token = await storedToken(randomUUID());
      expect(await later.familyOf(readRefreshToken(token)!)).toBeNull();
      expect(stores.storeCommands).toEqual([]);
    });
  });
});
