import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// The key comes from the old token itself, so only someone presenting it can open the seal. Redis keeps
// only sha256(token), and the key hashes a different input, so Redis contents alone open nothing.
const keyOf = (predecessor: string) => createHash('sha256').update(`refresh-successor\0${predecessor}`).digest();

/**
 * Keeps the token that replaced `predecessor` for the reuse grace period without storing a live token in
 * the clear: a late presenter of the old token gets the same successor, as every tab shares one cookie.
 */
export const sealSuccessor = (successor: string, predecessor: string): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(predecessor), iv);
  const sealed = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
};

/** Null unless `predecessor` is the token the seal was made with. */
export const openSuccessor = (sealed: string, predecessor: string): string | null => {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length <= 28) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(predecessor), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
};
