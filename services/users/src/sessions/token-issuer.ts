import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';

export interface IssuedTokens {
  accessToken: string;
  refresh: { token: string; tokenHash: string; expiresAt: Date };
}

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

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

  async issue(userId: string): Promise<IssuedTokens> {
    const accessToken = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${this.options.accessTtlSeconds}s`)
      .sign(this.key);
    const token = randomBytes(32).toString('base64url');
    return {
      accessToken,
      refresh: { token, tokenHash: hashRefreshToken(token), expiresAt: new Date(Date.now() + this.options.refreshTtlDays * 86_400_000) },
    };
  }
}
