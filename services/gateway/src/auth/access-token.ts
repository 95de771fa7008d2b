import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export type TokenCheck =
  | {
      ok: true;
      userId: string;
      /** Seconds since the epoch: a socket opened with this token closes then. */
      expiresAt: number;
      /** The sign-in (refresh family) it belongs to, when the token names one: logout closes its sockets. */
      sessionId?: string;
    }
  | { ok: false; code: 'UNAUTHENTICATED' | 'TOKEN_EXPIRED'; message: string };

const invalid: Extract<TokenCheck, { ok: false }> = { ok: false, code: 'UNAUTHENTICATED', message: 'the access token is not valid' };
const CLOCK_SKEW_SECONDS = 30;

const decodeJson = (part: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** What a token whose signature and fixed claims were checked says; its times are checked at each use. */
interface Checked {
  userId: string;
  expiresAt: number;
  notBefore: number | undefined;
  sessionId: string | undefined;
}

/** Tokens remembered after a full check: at most ~300 bytes each, a few MiB in all. */
const REMEMBERED_TOKENS = 10_000;

/**
 * Verifies access tokens (JWT, EdDSA / Ed25519) with the public key only: the gateway can check a
 * token but never mint one; the users service signs them (with jose).
 *
 * Verification is synchronous (node:crypto), on purpose: a WebSocket upgrade that uWS completes
 * after an await is intermittently dropped (seen with uws-js-unofficial 20.30: the socket closes
 * with 1006 right after opening), so the upgrade handler must decide before it returns.
 *
 * An Ed25519 check costs 150–450 µs of CPU here (more on a busy machine), and a client sends the same token with every request for its 15
 * minutes: a token that passed is remembered by its exact text (the bytes whose signature was checked, so nothing
 * unchecked can match), and only its times are checked again. Oldest first out past REMEMBERED_TOKENS.
 */
export class AccessTokenVerifier {
  private readonly key: KeyObject;
  private readonly checked = new Map<string, Checked>();

  constructor(
    publicKeyPem: string,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly remember = REMEMBERED_TOKENS,
  ) {
    this.key = createPublicKey(publicKeyPem);
    if (this.key.asymmetricKeyType !== 'ed25519') throw new Error('config error: JWT_PUBLIC_KEY is not an Ed25519 key');
  }

  verify(token: string | undefined, nowSeconds = Math.floor(Date.now() / 1000)): TokenCheck {
    if (!token) return { ok: false, code: 'UNAUTHENTICATED', message: 'an access token is required' };
    let checked = this.checked.get(token);
    if (!checked) {
      const fresh = this.check(token);
      if (!fresh.ok) return fresh;
      checked = fresh.checked;
      if (this.checked.size >= this.remember) this.checked.delete(this.checked.keys().next().value!);
      this.checked.set(token, checked);
    }
    if (checked.notBefore !== undefined && checked.notBefore > nowSeconds + CLOCK_SKEW_SECONDS) return invalid;
    if (checked.expiresAt <= nowSeconds - CLOCK_SKEW_SECONDS) {
      this.checked.delete(token);
      return { ok: false, code: 'TOKEN_EXPIRED', message: 'the access token has expired' };
    }
    return checked.sessionId
      ? { ok: true, userId: checked.userId, expiresAt: checked.expiresAt, sessionId: checked.sessionId }
      : { ok: true, userId: checked.userId, expiresAt: checked.expiresAt };
  }

  /** The signature and the claims that do not change with time. */
  private check(token: string): { ok: true; checked: Checked } | Extract<TokenCheck, { ok: false }> {
    const parts = token.split('.');
    if (parts.length !== 3) return invalid;
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = decodeJson(headerPart);
    // Only EdDSA: a token naming another algorithm ("none", HS256 with the public key as secret) is refused.
    if (header?.alg !== 'EdDSA' || header.crit !== undefined) return invalid;
    const signed = verify(null, Buffer.from(`${headerPart}.${payloadPart}`), this.key, Buffer.from(signaturePart, 'base64url'));
    if (!signed) return invalid;
    const claims = decodeJson(payloadPart);
    if (!claims || claims.iss !== this.issuer) return invalid;
    const audience = claims.aud;
    if (!(audience === this.audience || (Array.isArray(audience) && audience.includes(this.audience)))) return invalid;
    if (typeof claims.exp !== 'number') return invalid;
    if (typeof claims.sub !== 'string' || !/^[a-f0-9]{24}$/.test(claims.sub))
      return { ok: false, code: 'UNAUTHENTICATED', message: 'the access token names no user' };
    const sessionId = typeof claims.sid === 'string' && claims.sid.length > 0 && claims.sid.length <= 100 ? claims.sid : undefined;
    return {
      ok: true,
      checked: { userId: claims.sub, expiresAt: claims.exp, notBefore: typeof claims.nbf === 'number' ? claims.nbf : undefined, sessionId },
    };
  }

  /** How many checked tokens are remembered (for tests). */
  get remembered(): number {
    return this.checked.size;
  }
}

export const bearerToken = (authorization: string): string | undefined => {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  return match?.[1];
};
