import type { Redis } from 'ioredis';

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginThrottleLimits {
  /** Failures of one username from one address before every further try has to wait. */
  freeFailures: number;
  /** Failures from one address over all usernames within `windowMs` (password spraying). */
  perAddress: number;
  /** The first wait; each further failure doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long failures are remembered after the wait they earned. */
  windowMs: number;
}

// Admits one sign-in attempt, or answers how long to wait (ms). The attempt is counted here, before
// the password is checked, so parallel attempts cannot all pass a check that none has recorded yet;
// a success gives its slot back (RELEASE). Refused attempts count nothing: they checked no password.
// KEYS: username+address, then the address alone if known. ARGV: now, free failures, base delay,
// max delay, window, per-address limit (all ms or counts).
const ADMIT = `
local now = tonumber(ARGV[1])
local waitUntil = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if waitUntil > now then return waitUntil - now end
if KEYS[2] then
  if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[6]) then
    return math.max(redis.call('PTTL', KEYS[2]), 1)
  end
  redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[5], 'NX')
end
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
local free = tonumber(ARGV[2])
local delay = 0
if count >= free then delay = math.min(tonumber(ARGV[3]) * 2 ^ (count - free), tonumber(ARGV[4])) end
redis.call('HSET', KEYS[1], 'until', string.format('%d', now + delay))
redis.call('PEXPIRE', KEYS[1], string.format('%d', delay + tonumber(ARGV[5])))
return 0`;

// A sign-in ends this address's failures for the username; its failures on other usernames stay,
// so signing in to one's own account between guesses does not reset a spray.
const RELEASE = `
redis.call('DEL', KEYS[1])
if KEYS[2] and tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 0`;

/**
 * Throttles password guessing in Redis, so the limits hold across replicas and parallel requests.
 * Failures are counted per username and client address: a guesser elsewhere waits longer and longer,
 * but cannot lock the owner out from their own address.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly limits: LoginThrottleLimits,
  ) {}

  private keys(username: string, address: string | undefined): string[] {
    const pair = `login:fail:${JSON.stringify([username, address ?? null])}`;
    return address ? [pair, `login:fail:ip:${address}`] : [pair];
  }

  /** Call before checking the password; an allowed attempt counts as failed until `succeeded`. */
  async admit(username: string, address: string | undefined, now = Date.now()): Promise<ThrottleVerdict> {
    const keys = this.keys(username, address);
    const { freeFailures, baseDelayMs, maxDelayMs, windowMs, perAddress } = this.limits;
    const waitMs = (await this.redis.eval(
      ADMIT,
      keys.length,
      ...keys,
      now,
      freeFailures,
      baseDelayMs,
      maxDelayMs,
      windowMs,
      perAddress,
    )) as number;
    return waitMs > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) } : { allowed: true };
  }

  async succeeded(username: string, address: string | undefined): Promise<void> {
    const keys = this.keys(username, address);
    await this.redis.eval(RELEASE, keys.length, ...keys);
  }
}
