import type { Redis } from 'ioredis';
import { hashRefreshToken, type PresentedToken, type RefreshToken } from './refresh-token.js';
import type { StoredSessions } from './stored-sessions.js';
import { openSuccessor, sealSuccessor } from './successor-seal.js';

/** One sign-in (a token family): its user, the hash of its one live token, when that expires, and whether it was revoked. */
const sessionKey = (familyId: string) => `session:${familyId}`;
/** Which sign-in a token from before this scheme belongs to ('' = none), so the store is asked once per token. */
const storedTokenKey = (tokenHash: string) => `session:stored-token:${tokenHash}`;
/** Until when a token from before this scheme can still be alive, so the store need not be asked after that. */
const STORE_LOOKUPS_UNTIL = 'session:store-lookups-until';

// Only the newest token of a sign-in is alive. Any other token of it presented means one was copied
// (the thief refreshed first, or the owner did and the thief comes now): the sign-in is revoked,
// the newest token too. One exception: the token it replaced, for a short grace after the rotation,
// answers with that same newest token (sealed under the old one), because every tab of a browser
// shares one cookie and tabs refreshing at once present it together. The sign-in lives on; a copy
// still ends it at the next rotation, when one holder's token becomes the old one for good.
// KEYS: session. ARGV: presented hash, next hash, next expiry (ms), now (ms), how long a revocation
// is kept (ms), end of the grace for the presented token (ms), next token sealed under the presented one.
const ROTATE = `
local s = redis.call('HMGET', KEYS[1], 'userId', 'current', 'expiresAt', 'revokedAt', 'previous', 'previousUntil', 'successor')
if not s[1] or s[4] or tonumber(s[3]) <= tonumber(ARGV[4]) then return {'refused'} end
if s[2] == ARGV[1] then
  redis.call('HSET', KEYS[1], 'current', ARGV[2], 'expiresAt', ARGV[3], 'previous', ARGV[1], 'previousUntil', ARGV[6], 'successor', ARGV[7])
  redis.call('PEXPIREAT', KEYS[1], ARGV[3])
  return {'rotated', s[1]}
end
if s[5] == ARGV[1] and tonumber(s[6]) > tonumber(ARGV[4]) then return {'shared', s[1], s[7], s[3]} end
redis.call('HSET', KEYS[1], 'revokedAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {'reused', s[1]}`;

// KEYS: session. ARGV: now (ms), how long a revocation is kept (ms).
const REVOKE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return '' end
redis.call('HSET', KEYS[1], 'revokedAt', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('HGET', KEYS[1], 'userId') or ''`;

// Moves a sign-in recorded by the store into Redis, unless Redis already has it (then Redis is newer).
// KEYS: session. ARGV: userId, live hash ('' when the presented token was used), expiry (ms), revoked (1/0), now, revocation ms.
const IMPORT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[1], 'userId', ARGV[1], 'revokedAt', ARGV[5])
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
  return 1
end
redis.call('HSET', KEYS[1], 'userId', ARGV[1], 'current', ARGV[2], 'expiresAt', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1`;

export type Rotation =
  | { outcome: 'rotated'; userId: string }
  /** The presented token was rotated moments ago: its holder gets the token that replaced it. */
  | { outcome: 'shared'; userId: string; successor: RefreshToken }
  | { outcome: 'reused'; userId: string }
  | { outcome: 'refused' };

/**
 * Sign-ins and their refresh tokens, in Redis: a refresh (every user, every 15 minutes) is one script
 * on one key, atomic, with no store command. One key per sign-in, living as long as its newest token,
 * so Redis holds no trail of used tokens beyond the one last replaced. Tokens issued before this lived
 * in the store; those are looked up there once (a cold path, and only while one of them can still be
 * alive) and moved here.
 */
export class SessionsRepository {
  private storeLookupsUntil = 0;

  constructor(
    private readonly redis: Redis,
    private readonly stored: StoredSessions,
    private readonly options: { refreshTtlMs: number; reuseGraceMs: number },
  ) {}

  /** The first start of this scheme fixes the end of store lookups: no older token outlives it. */
  async init(): Promise<void> {
    await this.redis.set(STORE_LOOKUPS_UNTIL, String(Date.now() + this.options.refreshTtlMs), 'NX');
    this.storeLookupsUntil = Number(await this.redis.get(STORE_LOOKUPS_UNTIL));
  }

  async start(familyId: string, userId: string, token: RefreshToken): Promise<void> {
    const expiresAt = token.expiresAt.getTime();
    await this.redis
      .multi()
      .hset(sessionKey(familyId), 'userId', userId, 'current', token.tokenHash, 'expiresAt', String(expiresAt))
      .pexpireat(sessionKey(familyId), expiresAt)
      .exec();
  }

  /** The sign-in a presented token belongs to, if it can be one of ours. */
  async familyOf(presented: PresentedToken): Promise<string | null> {
    if (presented.familyId) return presented.familyId;
    if (Date.now() >= this.storeLookupsUntil) return null;
    const known = await this.redis.get(storedTokenKey(presented.tokenHash));
    if (known !== null) return known || null;
    return this.importStored(presented.tokenHash);
  }

  /** Replaces the sign-in's live token with `next`, if `presented` is it. */
  async rotate(familyId: string, presented: PresentedToken, next: RefreshToken, now = Date.now()): Promise<Rotation> {
    const [outcome, userId, sealed, expiresAt] = (await this.redis.eval(
      ROTATE,
      1,
      sessionKey(familyId),
      presented.tokenHash,
      next.tokenHash,
      String(next.expiresAt.getTime()),
      String(now),
      String(this.options.refreshTtlMs),
      String(now + this.options.reuseGraceMs),
      sealSuccessor(next.token, presented.token),
    )) as [Rotation['outcome'], string?, string?, string?];
    if (outcome === 'refused') return { outcome };
    if (outcome !== 'shared') return { outcome, userId: userId! };
    const successor = openSuccessor(sealed!, presented.token);
    if (!successor) return { outcome: 'refused' };
    return {
      outcome,
      userId: userId!,
      successor: { token: successor, tokenHash: hashRefreshToken(successor), expiresAt: new Date(Number(expiresAt)) },
    };
  }

  /**
   * Ends a sign-in. The revocation is kept as long as a token can live, so a token of it that only the
   * store knows cannot bring it back.
   */
  /** Ends the sign-in; answers whose it was (null for one Redis no longer knows). */
  async revoke(familyId: string): Promise<string | null> {
    const userId = (await this.redis.eval(
      REVOKE,
      1,
      sessionKey(familyId),
      String(Date.now()),
      String(this.options.refreshTtlMs),
    )) as string;
    return userId || null;
  }

  private async importStored(tokenHash: string): Promise<string | null> {
    const session = await this.stored.find(tokenHash);
    const alive = session !== null && session.expiresAt.getTime() > Date.now();
    if (session && alive) {
      await this.redis.eval(
        IMPORT,
        1,
        sessionKey(session.familyId),
        session.userId,
        session.used ? '' : tokenHash,
        String(session.expiresAt.getTime()),
        session.revoked ? '1' : '0',
        String(Date.now()),
        String(this.options.refreshTtlMs),
      );
    }
    const rememberFor = Math.max(1, (alive ? session.expiresAt.getTime() : this.storeLookupsUntil) - Date.now());
    await this.redis.set(storedTokenKey(tokenHash), alive ? session.familyId : '', 'PX', rememberFor);
    return alive ? session.familyId : null;
  }
}
