import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RATE_LIMITS } from '@messenger/contracts';
import { startStack, type Stack, type StackOptions } from '../stack/stack.js';

const LIFTED_RATE_LIMITS = Object.keys(RATE_LIMITS)
  .map((name) => `${name}=1000000/1`)
  .join(',');

/** The monorepo root: the nearest folder above `from` whose package.json declares workspaces. */
export const repoRoot = (from = process.cwd()): string => {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) return dir;
    if (dirname(dir) === dir) throw new Error(`no workspace root above ${from}`);
  }
};

/** The product as built processes, on fresh infrastructure in a temporary folder, quiet unless asked. */
export const startTestStack = (name: string, options: Omit<StackOptions, 'rootDir' | 'dataDir'> = {}): Promise<Stack> =>
  startStack({
    rootDir: repoRoot(),
    dataDir: mkdtempSync(join(tmpdir(), `${name}-`)),
    withLiveKit: false,
    ...options,
    // Tests act out whole scenarios in seconds (a chat per permission cell, thousands of messages from a few
    // people), which the production rate limits rightly refuse: they are lifted here, and the tests of the limits
    // set RATE_LIMITS themselves (e2e/rate-limits.sys.test.ts).
    // scrypt at 2^15 rather than production's 2^17: hundreds of sign-ups per run, and the cost is not what is tested.
    env: { LOG_LEVEL: 'warn', RATE_LIMITS: LIFTED_RATE_LIMITS, PASSWORD_SCRYPT_LOG2_N: '15', ...options.env },
  });
