import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startStack, type Stack, type StackOptions } from '../stack/stack.js';

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
    // Every simulated person connects from 127.0.0.1, so the per-address sign-up limit is lifted; the per-user
    // limits stay as in production. Tests of the limits set RATE_LIMITS themselves.
    env: { LOG_LEVEL: 'warn', RATE_LIMITS: 'register=1000000/3600', ...options.env },
  });
