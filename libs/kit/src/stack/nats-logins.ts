import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NATS_USERS, type NatsUser } from '../servers/index.js';

/** Who logs in to the stack's NATS: each service, the gateways, and `admin` (every subject) for tests and tools. */
export type StackNatsUser = NatsUser | 'admin';
const STACK_NATS_USERS: readonly StackNatsUser[] = ['admin', ...NATS_USERS];

/**
 * A password per NATS user, made once per data folder (git-ignored, next to the dev signing keys) like
 * `ensureDevKeys`, so nobody handles them. Deployments set their own (deploy/).
 */
export const ensureNatsPasswords = (dir: string): Record<StackNatsUser, string> => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'nats-passwords.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<StackNatsUser, string>>) : {};
  const passwords = Object.fromEntries(
    STACK_NATS_USERS.map((user) => [user, stored[user] ?? randomBytes(24).toString('base64url')]),
  ) as Record<StackNatsUser, string>;
  if (STACK_NATS_USERS.some((user) => stored[user] === undefined)) {
    writeFileSync(file, `${JSON.stringify(passwords, null, 2)}\n`, { mode: 0o600 });
  }
  return passwords;
};
