import { createHash, randomBytes } from 'node:crypto';

/** A refresh token as handed out: only its hash is kept. */
export interface RefreshToken {
  token: string;
  tokenHash: string;
  expiresAt: Date;
}

/** A refresh token as presented: which sign-in it claims to belong to, and its hash. */
export interface PresentedToken {
  /** Null for tokens issued before sessions lived in Redis: their sign-in is found in the store. */
  familyId: string | null;
  /** Kept only for the request: it opens the successor sealed for the reuse grace period. */
  token: string;
  tokenHash: string;
}

const SECRET = '[A-Za-z0-9_-]{43}'; // 32 random bytes, base64url
const CURRENT_FORMAT = new RegExp(`^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.${SECRET}$`);
const STORED_FORMAT = new RegExp(`^${SECRET}$`);

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

/**
 * `<sign-in id>.<secret>`: the sign-in id names the one Redis key that decides the token, so a refresh
 * needs no lookup by hash. The id is no secret: whoever holds it also holds a token of that sign-in.
 */
export const newRefreshToken = (familyId: string, expiresAt: Date): RefreshToken => {
  const token = `${familyId}.${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashRefreshToken(token), expiresAt };
};

/** Null when the token cannot be one we issued, so nothing is looked up for it. */
export const readRefreshToken = (token: string): PresentedToken | null => {
  const current = CURRENT_FORMAT.exec(token);
  if (current) return { familyId: current[1]!, token, tokenHash: hashRefreshToken(token) };
  if (STORED_FORMAT.test(token)) return { familyId: null, token, tokenHash: hashRefreshToken(token) };
  return null;
};
