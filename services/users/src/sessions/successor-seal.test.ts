import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashRefreshToken, newRefreshToken } from './refresh-token.js';
import { openSuccessor, sealSuccessor } from './successor-seal.js';

describe('successor sealed under the token it replaced', () => {
  const familyId = randomUUID();
  const old = newRefreshToken(familyId, new Date());
  const next = newRefreshToken(familyId, new Date());
  const sealed = sealSuccessor(next.token, old.token);

  it('opens with the old token', () => {
    expect(openSuccessor(sealed, old.token)).toBe(next.token);
  });

  it('does not carry the successor in the clear', () => {
    expect(sealed).not.toContain(next.token.split('.')[1]);
  });

  it.each([
    ['another token of the sign-in', () => newRefreshToken(familyId, new Date()).token],
    ['the stored hash of the old token', () => hashRefreshToken(old.token)],
  ])('does not open with %s', (_case, key) => {
    expect(openSuccessor(sealed, key())).toBeNull();
  });

  it('refuses a damaged seal', () => {
    const damaged = Buffer.from(sealed, 'base64url');
    damaged[damaged.length - 1]! ^= 1;
    expect(openSuccessor(damaged.toString('base64url'), old.token)).toBeNull();
    expect(openSuccessor('short', old.token)).toBeNull();
  });
});
