import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type ToolName = 'nats-server' | 'livekit-server' | 'ferretdb' | 'k6' | 'redis-server' | 'kustomize' | 'kubeconform' | 'jaeger';

export const toolsDir = (): string => process.env.MESSENGER_TOOLS_DIR ?? join(homedir(), '.cache', 'messenger-tools');

/** Where the bootstrap put a tool; a missing one fails with the command that installs it. */
export const toolPath = (name: ToolName): string => {
  const path = name === 'redis-server' ? (process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server') : join(toolsDir(), 'bin', name);
  if (!existsSync(path)) throw new Error(`${name} not found at ${path}: run npm run bootstrap`);
  return path;
};
