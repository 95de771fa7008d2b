import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { newRefreshToken, type RefreshToken } from './refresh-token.js';

/**
 * Signs access tokens (EdDSA, short-lived, `sub` = user id) and makes refresh tokens (random,
 * only their hash is stored). Only this service holds the private key.
 */
export class TokenIssuer {
  private constructor(
    private readonly key: CryptoKey,
    private readonly options: { issuer: string; audience: string; accessTtlSeconds: number; refreshTtlDays: number },
  ) {}

  static async create(privateKeyPem: string, options: TokenIssuer['options']): Promise<TokenIssuer> {
    return new TokenIssuer(await importPKCS8(privateKeyPem, 'EdDSA'), options);
  }

  /** `sid` names the sign-in (refresh family), so the gateways can close its sockets when it ends. */
  accessToken(userId: string, sessionId: string): Promise<string> {
    return new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${this.options.accessTtlSeconds}s`)
      .sign(this.key);
  }

  /** The next refresh token of a sign-in; each one lives REFRESH_TOKEN_TTL_DAYS from its issue. */
  refreshToken(familyId: string): RefreshToken {
    return newRefreshToken(familyId, new Date(Date.now() + this.options.refreshTtlDays * 86_400_000));
  }
}
