// The product brought up for a scenario: built services on fresh infrastructure in a scratch
// folder, everything on 127.0.0.1. Each scenario stops it (and every server it started) when done.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTools } from '../../scripts/tools.mjs';
import { ROOT } from './results.mjs';

/** Builds the server side if needed (tsc -b is incremental: seconds when nothing changed). */
export const buildServer = () => execFileSync('npm', ['run', '--silent', 'build:server'], { cwd: ROOT, stdio: 'inherit' });

/**
 * @param {string} name  the scenario, for the scratch folder's name
 * @param {import('@messenger/kit/stack').StackOptions extends infer O ? Partial<O> : never} [options]
 */
export const startLoadStack = async (name, options = {}) => {
  ensureTools(ROOT);
  buildServer();
  const { startStack } = await import('@messenger/kit/stack');
  const dataDir = mkdtempSync(join(tmpdir(), `load-${name}-`));
  const stack = await startStack({
    rootDir: ROOT,
    dataDir,
    withLiveKit: false,
    ...options,
    // Every simulated person connects from 127.0.0.1, so the per-address sign-up limit is lifted; the per-user
    // limits stay as in production. Tests of the limits set RATE_LIMITS themselves.
    // scrypt at 2^15 rather than production's 2^17: hundreds of sign-ups per run, and the cost is not what is tested.
    env: { LOG_LEVEL: 'warn', RATE_LIMITS: 'register=1000000/3600', PASSWORD_SCRYPT_LOG2_N: '15', ...options.env },
    log:
      options.log ??
      ((source, line) =>
        /"level":"(error|fatal)"|\b(ERROR|FATAL|panic)\b/.test(line) ? process.stderr.write(`[${source}] ${line}\n`) : undefined),
  });
  const stop = async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { ...stack, stop, dataDir };
};

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Mints access tokens with the stack's dev signing key, as the users service would, so a scenario can
 * open 100 000 sockets without registering 100 000 people (the gateway verifies them the same way).
 */
export const tokenMinter = (stack, { ttlSeconds = 4 * 3600 } = {}) => {
  const key = createPrivateKey(stack.keys.privateKeyPem);
  return (userId) => {
    const now = Math.floor(Date.now() / 1000);
    const head = `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64({ sub: userId, iss: 'messenger', aud: 'messenger', iat: now, exp: now + ttlSeconds, jti: randomBytes(8).toString('hex') })}`;
    return `${head}.${sign(null, Buffer.from(head), key).toString('base64url')}`;
  };
};

/** A user id of the shape the gateway accepts (24 hex characters, like a MongoDB ObjectId). */
export const syntheticUserId = (n) => (0x10000000 + n).toString(16).padStart(24, 'a');
