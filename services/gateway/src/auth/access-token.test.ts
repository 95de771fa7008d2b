import { createPrivateKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { importPKCS8, SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokenVerifier, bearerToken } from './access-token.js';

const pair = () =>
  generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
const ours = pair();
const theirs = pair();
const USER = '0123456789abcdef01234567';
const NOW = 1_800_000_000;

const sign = async (claims: JWTPayload, options: { key?: string; header?: Record<string, unknown> } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', ...options.header })
    .sign(await importPKCS8(options.key ?? ours.privateKey, 'EdDSA'));

const base: JWTPayload = { sub: USER, iss: 'messenger', aud: 'messenger', iat: NOW, exp: NOW + 900 };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Signs any header, including ones jose refuses to produce. */
const signRaw = (header: Record<string, unknown>, payload: JWTPayload) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${cryptoSign(null, Buffer.from(input), createPrivateKey(ours.privateKey)).toString('base64url')}`;
};

describe('AccessTokenVerifier', () => {
  const verifier = new AccessTokenVerifier(ours.publicKey, 'messenger', 'messenger');

  it('accepts a token signed with our key and names its user', async () => {
    const valid = { ok: true, userId: USER, expiresAt: base.exp };
    expect(verifier.verify(signRaw({ alg: 'EdDSA' }, base), NOW)).toEqual(valid);
    expect(verifier.verify(await sign(base), NOW)).toEqual(valid);
    expect(verifier.verify(await sign({ ...base, aud: ['other', 'messenger'] }), NOW)).toEqual(valid);
  });

  it('names the sign-in a token belongs to, so its sockets can be closed at logout', async () => {
    expect(verifier.verify(await sign({ ...base, sid: 'family-1' }), NOW)).toMatchObject({ ok: true, sessionId: 'family-1' });
    expect(verifier.verify(await sign({ ...base, sid: 42 }), NOW)).not.toHaveProperty('sessionId');
  });

  it('tells an expired token apart, allowing 30 s of clock skew', async () => {
    expect(verifier.verify(await sign({ ...base, exp: NOW - 31 }), NOW)).toMatchObject({ ok: false, code: 'TOKEN_EXPIRED' });
    expect(verifier.verify(await sign({ ...base, exp: NOW - 10 }), NOW)).toMatchObject({ ok: true });
  });

  it.each([
    ['signed with another key', async () => sign(base, { key: theirs.privateKey })],
    ['with another issuer', async () => sign({ ...base, iss: 'evil' })],
    ['for another audience', async () => sign({ ...base, aud: 'other' })],
    ['not valid yet', async () => sign({ ...base, nbf: NOW + 600 })],
    ['without an expiry', async () => sign({ sub: USER, iss: 'messenger', aud: 'messenger' })],
    ['without a user', async () => sign({ ...base, sub: undefined })],
    ['with a user id that is not an id', async () => sign({ ...base, sub: 'admin' })],
    ['with a critical header it does not understand', async () => signRaw({ alg: 'EdDSA', crit: ['x'], x: 1 }, base)],
    [
      'with its payload edited',
      async () => {
        const [h, , s] = (await sign(base)).split('.');
        return `${h}.${b64({ ...base, sub: 'ffffffffffffffffffffffff' })}.${s}`;
      },
    ],
    ['claiming alg none', async () => `${b64({ alg: 'none' })}.${b64(base)}.`],
    [
      'claiming HS256',
      async () => {
        const [, p, s] = (await sign(base)).split('.');
        return `${b64({ alg: 'HS256' })}.${p}.${s}`;
      },
    ],
    ['that is garbage', async () => 'not.a.jwt'],
    ['with two parts', async () => 'a.b'],
    ['that is empty', async () => ''],
  ])('refuses a token %s', async (_label, make) => {
    expect(verifier.verify(await make(), NOW)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });

  it('refuses a public key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(() => new AccessTokenVerifier(rsa.publicKey, 'messenger', 'messenger')).toThrow(/not an Ed25519 key/);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer   abc', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['', undefined],
  ])('%j → %j', (header, expected) => expect(bearerToken(header)).toBe(expected));
});
