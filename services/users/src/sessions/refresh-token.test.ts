import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashRefreshToken, newRefreshToken, readRefreshToken } from './refresh-token.js';

describe('refresh token format', () => {
  it('names its sign-in, and is read back with the same hash', () => {
    const familyId = randomUUID();
    const issued = newRefreshToken(familyId, new Date());
    expect(issued.token.startsWith(`${familyId}.`)).toBe(true);
    expect(readRefreshToken(issued.token)).toEqual({ familyId, token: issued.token, tokenHash: issued.tokenHash });
    expect(newRefreshToken(familyId, new Date()).token).not.toBe(issued.token);
  });

  it('reads a token issued before sign-ins lived in Redis as one without a sign-in', () => {
    const old = randomBytes(32).toString('base64url');
    expect(readRefreshToken(old)).toEqual({ familyId: null, token: old, tokenHash: hashRefreshToken(old) });
  });

  it.each([
    ['empty', ''],
    ['too short a secret', `${randomUUID()}.abc`],
    ['not a uuid', `nope.${randomBytes(32).toString('base64url')}`],
    ['extra characters', `${randomUUID()}.${randomBytes(32).toString('base64url')}!`],
    ['a short old-style token', randomBytes(16).toString('base64url')],
  ])('refuses %s without looking anything up', (_case, token) => {
    expect(readRefreshToken(token)).toBeNull();
  });
});
