import type { Redis } from 'ioredis';
import type { User } from '@messenger/contracts';
import type { AccountDoc } from './account.model.js';
import type { AccountsRepository } from './accounts.repository.js';
import { mapUser } from './user.mapper.js';

/** What requests read about a user, never the password hash. */
export interface CachedUser {
  user: User;
  avatarVersion: number | null;
  /** As the store had it when cached; the presence keys in Redis hold anything newer. */
  lastSeenAt: string | null;
}

/** `v` orders writes (the account's updatedAt); an entry without `user` says there is no such account. */
type Entry = Partial<CachedUser> & { v: number };

const profileKey = (userId: string) => `profile:${userId}`;
// Shorter than presence's own last-seen keys, so an entry never outlives a newer last-seen time.
const TTL_MS = 7 * 86_400_000;
// Only a registration creates an account, and it writes its entry over this one.
const ABSENT_TTL_MS = 3_600_000;

// A write lands unless the entry holds a newer version: a cold load that read the store before an
// edit cannot put the old profile back after the edit wrote the new one.
// KEYS: profile. ARGV: version, entry (JSON), ttl (ms).
const PUT = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).v > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/**
 * Every user's public profile in Redis, shared by the replicas: statuses, summaries (each chat list
 * and chat view of the groups service), `me` and refresh read here, never the store (whose every read
 * is a scan). Each change to an account writes its entry here after the store; a miss (an entry aged
 * out, or never read since this began) loads from the store once, in one query for all missing ids.
 */
export class UserCache {
  /** Loads under way on this replica: after Redis lost its entries, a burst of requests makes one query per user, not one each. */
  private readonly loading = new Map<string, Promise<CachedUser | undefined>>();

  constructor(
    private readonly redis: Redis,
    private readonly accounts: AccountsRepository,
  ) {}

  async get(userId: string): Promise<CachedUser | undefined> {
    return (await this.getMany([userId])).get(userId);
  }

  /** The users that exist among `userIds`, by id. */
  async getMany(userIds: string[]): Promise<Map<string, CachedUser>> {
    const ids = [...new Set(userIds)];
    const found = new Map<string, CachedUser>();
    if (!ids.length) return found;
    const values = await this.redis.mget(ids.map(profileKey));
    const missing: string[] = [];
    for (const [i, id] of ids.entries()) {
      const value = values[i];
      if (value === null || value === undefined) {
        missing.push(id);
        continue;
      }
      const entry = JSON.parse(value) as Entry;
      if (entry.user) found.set(id, { user: entry.user, avatarVersion: entry.avatarVersion ?? null, lastSeenAt: entry.lastSeenAt ?? null });
    }
    const loads = this.load(missing);
    const loaded = await Promise.all(missing.map((id) => loads.get(id)));
    for (const [i, id] of missing.entries()) if (loaded[i]) found.set(id, loaded[i]);
    return found;
  }

  /** Called after every change to an account in the store. */
  async put(account: AccountDoc): Promise<void> {
    const cached = cachedUser(account);
    await this.write(cached.user.id, { v: account.updatedAt.getTime(), ...cached }, TTL_MS);
  }

  /** Joins the loads under way, and starts one query for the rest. */
  private load(userIds: string[]): Map<string, Promise<CachedUser | undefined>> {
    const loads = new Map(userIds.flatMap((id) => (this.loading.has(id) ? [[id, this.loading.get(id)!] as const] : [])));
    const rest = userIds.filter((id) => !loads.has(id));
    if (!rest.length) return loads;
    const query = this.loadFromStore(rest);
    for (const id of rest) {
      const one = query.then((loaded) => loaded.get(id)).finally(() => this.loading.delete(id));
      this.loading.set(id, one);
      loads.set(id, one);
    }
    return loads;
  }

  private async loadFromStore(userIds: string[]): Promise<Map<string, CachedUser>> {
    const loaded = new Map((await this.accounts.findManyByIds(userIds)).map((account) => [account._id.toHexString(), account]));
    const result = new Map<string, CachedUser>();
    await Promise.all(
      userIds.map((id) => {
        const account = loaded.get(id);
        if (!account) return this.write(id, { v: 0 }, ABSENT_TTL_MS);
        result.set(id, cachedUser(account));
        return this.put(account);
      }),
    );
    return result;
  }

  private async write(userId: string, entry: Entry, ttlMs: number): Promise<void> {
    await this.redis.eval(PUT, 1, profileKey(userId), String(entry.v), JSON.stringify(entry), String(ttlMs));
  }
}

const cachedUser = (account: AccountDoc): CachedUser => ({
  user: mapUser(account),
  avatarVersion: account.avatarVersion,
  lastSeenAt: account.lastSeenAt ? account.lastSeenAt.toISOString() : null,
});
