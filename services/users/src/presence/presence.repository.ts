import type { Redis } from 'ioredis';

const userKey = (userId: string) => `presence:user:${userId}`;
const gatewayUsersKey = (gatewayId: string) => `presence:gateway-users:${gatewayId}`;
const aliveKey = (gatewayId: string) => `presence:gateway-alive:${gatewayId}`;
const seenKey = (userId: string) => `presence:seen:${userId}`;
const GATEWAYS = 'presence:gateways';
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

// Returns 1 when the user's last socket anywhere closed, recording the time in the same step so
// nobody can read "offline" without a last-seen time.
const CLOSED = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left > 0 then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[2])
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[4])
  return 1
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
    table.insert(offline, userId)
  end
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return offline`;

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

  async closed(userId: string, gatewayId: string): Promise<boolean> {
    const result = await this.redis.eval(
      CLOSED,
      3,
      userKey(userId),
      gatewayUsersKey(gatewayId),
      seenKey(userId),
      gatewayId,
      userId,
      String(Date.now()),
      String(SEEN_TTL_SECONDS),
    );
    return result === 1;
  }

  async heartbeat(gatewayId: string): Promise<void> {
    await this.redis.multi().set(aliveKey(gatewayId), '1', 'PX', this.gatewayTtlMs).sadd(GATEWAYS, gatewayId).exec();
  }

  /** Users left offline by gateways that stopped beating. */
  async sweep(): Promise<string[]> {
    const offline: string[] = [];
    for (const gatewayId of await this.redis.smembers(GATEWAYS)) {
      const users = (await this.redis.eval(
        EXPIRE_GATEWAY,
        3,
        aliveKey(gatewayId),
        gatewayUsersKey(gatewayId),
        GATEWAYS,
        gatewayId,
      )) as string[];
      offline.push(...users);
    }
    return offline;
  }

  /** Online or not, and when last seen going offline (from Redis; older ones from the account). */
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
