import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readyOrExit, relaunchable, spawnManaged, type ManagedProcess, type Relaunchable } from './managed-process.js';
import { freePort } from './ports.js';
import { toolPath } from './tools.js';
import { waitFor } from './wait-for.js';

export interface NatsServer extends Relaunchable {
  url: string;
  port: number;
  /** The monitoring endpoint (/connz, /jsz…): tests read per-connection counters from it. */
  monitorUrl: string;
}

/** nats-server with JetStream on loopback; 8 MB payloads so avatar uploads fit in one request. */
export const startNats = async (options: { dataDir: string; port?: number; log?: (line: string) => void }): Promise<NatsServer> => {
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const monitorPort = await freePort();
  const configFile = join(options.dataDir, 'nats.conf');
  writeFileSync(
    configFile,
    [
      `listen: 127.0.0.1:${port}`,
      `http: 127.0.0.1:${monitorPort}`,
      `server_name: messenger_${port}`,
      'max_payload: 8MB',
      `jetstream { store_dir: "${join(options.dataDir, 'jetstream')}" }`,
    ].join('\n'),
  );
  const launch = async (): Promise<ManagedProcess> => {
    const proc = spawnManaged('nats-server', toolPath('nats-server'), ['-c', configFile], options.log ? { log: options.log } : {});
    const ready = waitFor(
      async () => (await fetch(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`, { signal: AbortSignal.timeout(500) })).ok,
      { timeoutMs: 20_000, what: 'nats-server', detail: () => proc.recentOutput() },
    );
    await readyOrExit(proc, ready);
    return proc;
  };
  const server = await relaunchable(launch);
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    monitorUrl: `http://127.0.0.1:${monitorPort}`,
    ...server,
  };
};
