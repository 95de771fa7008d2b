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

  it('remembers a checked token, and still checks its times at every use', async () => {
    const fresh = new AccessTokenVerifier(ours.publicKey, 'messenger', 'messenger');
    const early = await sign({ ...base, nbf: NOW + 600 });
    // Not valid yet: refused, and it stays refused until its time, then passes, then expires.
    expect(fresh.verify(early, NOW)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(fresh.verify(early, NOW + 600)).toMatchObject({ ok: true, userId: USER });
    expect(fresh.verify(early, NOW)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(fresh.verify(early, NOW + 900 + 31)).toMatchObject({ ok: false, code: 'TOKEN_EXPIRED' });
    const token = await sign({ ...base, sid: 'family-1' });
    expect(fresh.verify(token, NOW)).toEqual({ ok: true, userId: USER, expiresAt: base.exp, sessionId: 'family-1' });
    expect(fresh.verify(token, NOW)).toEqual({ ok: true, userId: USER, expiresAt: base.exp, sessionId: 'family-1' });
    // The expired one is forgotten.
    expect(fresh.remembered).toBe(1);
  });

  it('remembers no refused token, and nothing but the exact text checked matches a remembered one', async () => {
    const fresh = new AccessTokenVerifier(ours.publicKey, 'messenger', 'messenger');
    const token = await sign(base);
    expect(fresh.verify(token, NOW)).toMatchObject({ ok: true });
    const [h, , s] = token.split('.');
    const forged = `${h}.${b64({ ...base, sub: 'ffffffffffffffffffffffff' })}.${s}`;
    expect(fresh.verify(forged, NOW)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(fresh.verify(await sign(base, { key: theirs.privateKey }), NOW)).toMatchObject({ ok: false });
    expect(fresh.remembered).toBe(1);
  });

  it('forgets the oldest tokens past its bound', async () => {
    const fresh = new AccessTokenVerifier(ours.publicKey, 'messenger', 'messenger', 3);
    const tokens = ['a', 'b', 'c', 'd'].map((jti) => signRaw({ alg: 'EdDSA' }, { ...base, jti }));
    for (const token of tokens) expect(fresh.verify(token, NOW)).toMatchObject({ ok: true });
    expect(fresh.remembered).toBe(3);
    // The first, forgotten, is checked in full again (still valid), and remembered again in place of the then-oldest.
    expect(fresh.verify(tokens[0], NOW)).toMatchObject({ ok: true });
    expect(fresh.remembered).toBe(3);
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
