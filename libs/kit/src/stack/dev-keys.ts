import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface JwtKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
  privateKeyFile: string;
  publicKeyFile: string;
  /** Signs capability URLs (group avatars); shared by every replica. */
  urlSigningSecret: string;
}

/**
 * A local Ed25519 pair for signing access tokens, made once per data folder (git-ignored), so a
 * fresh clone runs without anyone handling secrets. Production passes its own through config.
 */
export const ensureDevKeys = (dir: string): JwtKeyPair => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateKeyFile = join(dir, 'jwt-private.pem');
  const publicKeyFile = join(dir, 'jwt-public.pem');
  if (!existsSync(privateKeyFile) || !existsSync(publicKeyFile)) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    writeFileSync(privateKeyFile, privateKey, { mode: 0o600 });
    writeFileSync(publicKeyFile, publicKey, { mode: 0o644 });
  }
  const secretFile = join(dir, 'url-signing-secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return {
    urlSigningSecret: readFileSync(secretFile, 'utf8'),
    privateKeyPem: readFileSync(privateKeyFile, 'utf8'),
    publicKeyPem: readFileSync(publicKeyFile, 'utf8'),
    privateKeyFile,
    publicKeyFile,
  };
};
