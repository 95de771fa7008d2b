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

const invalid: TokenCheck = { ok: false, code: 'UNAUTHENTICATED', message: 'the access token is not valid' };
const CLOCK_SKEW_SECONDS = 30;

const decodeJson = (part: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Verifies access tokens (JWT, EdDSA / Ed25519) with the public key only: the gateway can check a
 * token but never mint one; the users service signs them (with jose).
 *
 * Verification is synchronous (node:crypto), on purpose: a WebSocket upgrade that uWS completes
 * after an await is intermittently dropped (seen with uws-js-unofficial 20.30: the socket closes
 * with 1006 right after opening), so the upgrade handler must decide before it returns.
 */
export class AccessTokenVerifier {
  private readonly key: KeyObject;

  constructor(
    publicKeyPem: string,
    private readonly issuer: string,
    private readonly audience: string,
  ) {
    this.key = createPublicKey(publicKeyPem);
    if (this.key.asymmetricKeyType !== 'ed25519') throw new Error('config error: JWT_PUBLIC_KEY is not an Ed25519 key');
  }

  verify(token: string | undefined, nowSeconds = Math.floor(Date.now() / 1000)): TokenCheck {
    if (!token) return { ok: false, code: 'UNAUTHENTICATED', message: 'an access token is required' };
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
    if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS) return invalid;
    if (typeof claims.exp !== 'number') return invalid;
    if (claims.exp <= nowSeconds - CLOCK_SKEW_SECONDS) return { ok: false, code: 'TOKEN_EXPIRED', message: 'the access token has expired' };
    if (typeof claims.sub !== 'string' || !/^[a-f0-9]{24}$/.test(claims.sub))
      return { ok: false, code: 'UNAUTHENTICATED', message: 'the access token names no user' };
    const sessionId = typeof claims.sid === 'string' && claims.sid.length > 0 && claims.sid.length <= 100 ? claims.sid : undefined;
    return sessionId
      ? { ok: true, userId: claims.sub, expiresAt: claims.exp, sessionId }
      : { ok: true, userId: claims.sub, expiresAt: claims.exp };
  }
}

export const bearerToken = (authorization: string): string | undefined => {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  return match?.[1];
};
