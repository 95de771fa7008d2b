import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const UsersConfig = z.object({
  MONGO_URL: z.string().startsWith('mongodb', 'must be a mongodb:// URL'),
  MONGO_DB: z.string().default('messenger_users'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be redis://host:port'),
  /** PEM (PKCS#8) Ed25519 private key that signs access tokens; or JWT_PRIVATE_KEY_FILE. */
  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_PRIVATE_KEY_FILE: z.string().optional(),
  JWT_ISSUER: z.string().default('messenger'),
  JWT_AUDIENCE: z.string().default('messenger'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /**
   * A refresh token just rotated still gets the token that replaced it for this long: tabs that refresh at
   * once, or a retry after a lost answer, present the old one moments later. Long enough for a request
   * that waited out the gateway's timeout (5 s) and was retried; short, because whoever holds a copy of
   * the old token may use it as long. Later presentations still end the sign-in. 0 turns it off.
   */
  REFRESH_TOKEN_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(120).default(20),
  /** Failed sign-ins of one username from one client address before each further try must wait. */
  LOGIN_MAX_FAILURES_PER_USERNAME: z.coerce.number().int().min(1).default(5),
  /** Failed sign-ins from one client address over all usernames within LOGIN_THROTTLE_WINDOW_SECONDS. */
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  /** The first wait after too many failures; it doubles with every further failure, up to the max. */
  LOGIN_BACKOFF_BASE_SECONDS: z.coerce.number().int().min(1).default(30),
  LOGIN_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(1).default(900),
  /** A gateway silent for this long is taken as dead and its users as offline. */
  PRESENCE_GATEWAY_TTL_MS: z.coerce.number().int().min(500).default(15_000),
  PRESENCE_SWEEP_MS: z.coerce.number().int().min(100).default(5_000),
  /** How often last-seen times are copied from Redis to the store, many users per write. */
  PRESENCE_LAST_SEEN_FLUSH_MS: z.coerce.number().int().min(100).default(5_000),
  /** Presence changes gathered this long are announced together (one contacts question to the groups service). */
  PRESENCE_ANNOUNCE_WINDOW_MS: z.coerce.number().int().min(10).max(5_000).default(100),
  /** Offline is announced only if the user is not back within this (a reload or a network blip shows nothing). */
  PRESENCE_OFFLINE_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(3_000),
  /**
   * scrypt's cost as log2(N), with r = 8 and p = 1: 17 is OWASP's minimum (128 MiB and a few hundred ms per hash).
   * Hashes made with a lower cost are replaced at the owner's next sign-in.
   */
  PASSWORD_SCRYPT_LOG2_N: z.coerce.number().int().min(10).max(20).default(17),
  /** How long failed sign-ins are remembered (for one username and address: after the wait they earned). */
  LOGIN_THROTTLE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
});
export type UsersConfig = z.infer<typeof UsersConfig>;

export const readPrivateKey = (config: UsersConfig): string => {
  if (config.JWT_PRIVATE_KEY) return config.JWT_PRIVATE_KEY.replace(/\\n/g, '\n');
  if (config.JWT_PRIVATE_KEY_FILE) return readFileSync(config.JWT_PRIVATE_KEY_FILE, 'utf8');
  throw new Error('config error: JWT_PRIVATE_KEY is missing (or set JWT_PRIVATE_KEY_FILE)');
};
