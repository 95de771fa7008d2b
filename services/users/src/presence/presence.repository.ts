import type { Redis } from 'ioredis';

const userKey = (userId: string) => `presence:user:${userId}`;
const gatewayUsersKey = (gatewayId: string) => `presence:gateway-users:${gatewayId}`;
const aliveKey = (gatewayId: string) => `presence:gateway-alive:${gatewayId}`;
const seenKey = (userId: string) => `presence:seen:${userId}`;
const GATEWAYS = 'presence:gateways';
/** Last-seen times not yet copied to the store: user id scored by the time. */
const UNSAVED = 'presence:seen-unsaved';
const SEEN_TTL_SECONDS = 30 * 24 * 3600;

// Counts sockets per user per gateway; returns 1 when the user had no socket anywhere before.
const OPENED = `
local before = redis.call('HLEN', KEYS[1])
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('SET', KEYS[4], '1', 'PX', ARGV[3])
if before == 0 then return 1 end
return 0`;

// Returns the time when the user's last socket anywhere closed (else 0), recording it in the same step so
// nobody can read "offline" without a last-seen time, and queueing it for the store.
const CLOSED = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left > 0 then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[2])
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[4])
  redis.call('ZADD', KEYS[4], ARGV[3], ARGV[2])
  return ARGV[3]
end
return 0`;

// Forgets a gateway whose heartbeat lapsed; returns the users it leaves with no socket anywhere.
const EXPIRE_GATEWAY = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {} end
local offline = {}
for _, userId in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local key = 'presence:user:' .. userId
  redis.call('HDEL', key, ARGV[1])
  if redis.call('HLEN', key) == 0 then
    redis.call('SET', 'presence:seen:' .. userId, ARGV[2], 'EX', ARGV[3])
    redis.call('ZADD', KEYS[4], ARGV[2], userId)
    table.insert(offline, userId)
  end
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return offline`;

/** When a user went offline (ms). */
export interface LastSeen {
  userId: string;
  at: number;
}

/**
 * Who is online, kept in Redis so every replica sees the same: for each user, how many sockets each
 * gateway holds. A gateway refreshes its liveness key with heartbeats; when one dies without closing
 * its sockets, the key lapses and the sweep takes its users offline.
 */
export class PresenceRepository {
  constructor(
    private readonly redis: Redis,
    private readonly gatewayTtlMs: number,
  ) {}

  async opened(userId: string, gatewayId: string): Promise<boolean> {
    const result = await this.redis.eval(
      OPENED,
      4,
      userKey(userId),
      gatewayUsersKey(gatewayId),
      GATEWAYS,
      aliveKey(gatewayId),
      gatewayId,
      userId,
      String(this.gatewayTtlMs),
    );
    return result === 1;
  }

  /** When the user went offline by this close (ms), or null if another socket is still open. */
  async closed(userId: string, gatewayId: string): Promise<number | null> {
    const result = await this.redis.eval(
      CLOSED,
      4,
      userKey(userId),
      gatewayUsersKey(gatewayId),
      seenKey(userId),
      UNSAVED,
      gatewayId,
      userId,
      String(Date.now()),
      String(SEEN_TTL_SECONDS),
    );
    return typeof result === 'string' ? Number(result) : null;
  }

  async heartbeat(gatewayId: string): Promise<void> {
    await this.redis.multi().set(aliveKey(gatewayId), '1', 'PX', this.gatewayTtlMs).sadd(GATEWAYS, gatewayId).exec();
  }

  /** Users left offline by gateways that stopped beating, and since when. */
  async sweep(): Promise<LastSeen[]> {
    const offline: LastSeen[] = [];
    for (const gatewayId of await this.redis.smembers(GATEWAYS)) {
      const at = Date.now();
      const users = (await this.redis.eval(
        EXPIRE_GATEWAY,
        4,
        aliveKey(gatewayId),
        gatewayUsersKey(gatewayId),
        GATEWAYS,
        UNSAVED,
        gatewayId,
        String(at),
        String(SEEN_TTL_SECONDS),
      )) as string[];
      offline.push(...users.map((userId) => ({ userId, at })));
    }
    return offline;
  }

  /** Takes up to `limit` last-seen times not yet in the store, oldest first; nobody else gets them. */
  async takeUnsaved(limit: number): Promise<LastSeen[]> {
    const flat = await this.redis.zpopmin(UNSAVED, limit);
    const taken: LastSeen[] = [];
    for (let i = 0; i < flat.length; i += 2) taken.push({ userId: flat[i]!, at: Number(flat[i + 1]) });
    return taken;
  }

  /** Gives back times the store did not take; a newer time queued meanwhile stays. */
  async returnUnsaved(times: LastSeen[]): Promise<void> {
    if (!times.length) return;
    await this.redis.zadd(UNSAVED, 'NX', ...times.flatMap(({ userId, at }) => [at, userId]));
  }

  /** Online or not, and when last seen going offline (from Redis; older ones from the profile). */
  async states(userIds: string[]): Promise<{ online: boolean; lastSeenMs: number | null }[]> {
    if (!userIds.length) return [];
    const pipeline = this.redis.pipeline();
    for (const id of userIds) pipeline.hlen(userKey(id)).get(seenKey(id));
    const results = (await pipeline.exec()) ?? [];
    return userIds.map((_, i) => {
      const seen = results[2 * i + 1]?.[1];
      return { online: Number(results[2 * i]?.[1]) > 0, lastSeenMs: typeof seen === 'string' ? Number(seen) : null };
    });
  }

  /** One replica sweeps at a time. */
  async takeSweepTurn(ttlMs: number): Promise<boolean> {
    return (await this.redis.set('presence:sweep-lock', '1', 'PX', ttlMs, 'NX')) === 'OK';
  }
}
