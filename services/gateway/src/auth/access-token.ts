import { errors, importSPKI, jwtVerify, type CryptoKey } from 'jose';

export type TokenCheck = { ok: true; userId: string } | { ok: false; code: 'UNAUTHENTICATED' | 'TOKEN_EXPIRED'; message: string };

/**
 * Verifies access tokens with the public key only (EdDSA / Ed25519): the gateway can check a token
 * but never mint one; the users service holds the private key.
 */
export class AccessTokenVerifier {
  private constructor(
    private readonly key: CryptoKey,
    private readonly issuer: string,
    private readonly audience: string,
  ) {}

  static async fromPem(publicKeyPem: string, issuer: string, audience: string): Promise<AccessTokenVerifier> {
    return new AccessTokenVerifier(await importSPKI(publicKeyPem, 'EdDSA'), issuer, audience);
  }

  async verify(token: string | undefined): Promise<TokenCheck> {
    if (!token) return { ok: false, code: 'UNAUTHENTICATED', message: 'an access token is required' };
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['EdDSA'],
        issuer: this.issuer,
        audience: this.audience,
        requiredClaims: ['sub', 'exp'],
      });
      if (typeof payload.sub !== 'string' || !/^[a-f0-9]{24}$/.test(payload.sub)) {
        return { ok: false, code: 'UNAUTHENTICATED', message: 'the access token names no user' };
      }
      return { ok: true, userId: payload.sub };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, code: 'TOKEN_EXPIRED', message: 'the access token has expired' };
      return { ok: false, code: 'UNAUTHENTICATED', message: 'the access token is not valid' };
    }
  }
}

export const bearerToken = (authorization: string): string | undefined => {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  return match?.[1];
};
