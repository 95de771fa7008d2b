// The load scenarios' Go programs (load/client, load/chat-client) are built on first use into the tools cache,
// outside the repository; go build is incremental, a second or two when nothing changed.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';

/** Where the binary named `name` lives once built. */
export const goBinary = (name) => join(homedir(), '.cache', 'messenger-tools', 'load', name);

/** Builds the Go module in `dir` as `name`; returns the binary's path. */
export const goBuild = (dir, name) => {
  const binary = goBinary(name);
  mkdirSync(dirname(binary), { recursive: true });
  execFileSync('go', ['build', '-o', binary, '.'], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' },
  });
  return binary;
};
