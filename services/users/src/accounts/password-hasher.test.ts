import { describe, expect, it } from 'vitest';
import { OWASP_COST, PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  // Small costs: this is about the rules, not scrypt's speed.
  const weak = new PasswordHasher({ N: 2 ** 10, r: 8, p: 1 });
  const strong = new PasswordHasher({ N: 2 ** 11, r: 8, p: 1 });

  it('verifies a hash made with other parameters, and asks for a rehash only when they were weaker', async () => {
    const old = await weak.hash('correct horse');
    expect(await strong.verify('correct horse', old)).toBe(true);
    expect(await strong.verify('wrong horse', old)).toBe(false);
    expect(strong.needsRehash(old)).toBe(true);
    expect(weak.needsRehash(await strong.hash('x'))).toBe(false);
    expect(strong.needsRehash(await strong.hash('x'))).toBe(false);
  });

  it('defaults to OWASP’s scrypt minimum', () => {
    expect(OWASP_COST).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    expect(new PasswordHasher().needsRehash(`scrypt$${2 ** 15}$8$1$c2FsdA==$a2V5`)).toBe(true);
  });
});
