// Where the bootstrap puts the Go-built tools, and a check that they are there.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export const toolsDir = () => process.env.MESSENGER_TOOLS_DIR ?? join(homedir(), '.cache', 'messenger-tools');

const REQUIRED = ['nats-server', 'livekit-server', 'ferretdb'];

/** Runs the bootstrap when a tool is missing; it is idempotent and quick when everything is cached. */
export const ensureTools = (root, { always = false, traceViewer = false } = {}) => {
  const missing = [...REQUIRED, ...(traceViewer ? ['jaeger'] : [])].filter((name) => !existsSync(join(toolsDir(), 'bin', name)));
  const redisMissing = !existsSync('/usr/bin/redis-server');
  if (!always && missing.length === 0 && !redisMissing) return;
  const result = spawnSync('bash', [join(root, 'scripts', 'bootstrap.sh')], {
    stdio: 'inherit',
    env: traceViewer ? { ...process.env, BOOTSTRAP_TRACE_VIEWER: '1' } : process.env,
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
