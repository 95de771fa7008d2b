import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Slots } from '@messenger/kit';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP's minimum for scrypt: N = 2^17, r = 8, p = 1 (128 MiB per hash). */
export const OWASP_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

/**
 * scrypt from node:crypto: memory-hard, no native add-on to build. The parameters are stored with each hash, so a
 * hash made with lower ones still verifies, and `needsRehash` says when to replace it at the next sign-in.
 * Two hashes at a time per process (each takes a libuv thread and N·r·128 bytes); more wait in a short queue,
 * and beyond it a sign-in is refused with 503, so a burst of sign-ins cannot starve the process.
 */
export class PasswordHasher {
  private readonly slots = new Slots('password hashing', 2, 32);

  constructor(private readonly cost: ScryptCost = OWASP_COST) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const { N, r, p } = this.cost;
    const key = await this.slots.run(() => scrypt(password, salt, 32, { N, r, p, maxmem: 256 * N * r }));
    return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [kind, n, r, p, salt, key] = stored.split('$');
    if (kind !== 'scrypt' || !salt || !key) return false;
    const N = Number(n);
    const expected = Buffer.from(key, 'base64');
    const actual = await this.slots.run(() =>
      scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) }),
    );
    return timingSafeEqual(actual, expected);
  }

  /** Whether a stored hash was made with weaker parameters than today's. */
  needsRehash(stored: string): boolean {
    const [kind, n, r, p] = stored.split('$');
    return kind !== 'scrypt' || Number(n) < this.cost.N || Number(r) < this.cost.r || Number(p) < this.cost.p;
  }
}
