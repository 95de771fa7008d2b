import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readyOrExit, relaunchable, type ManagedProcess, type Relaunchable } from './managed-process.js';
import { freePort } from './ports.js';
import { spawnServer } from './server-process.js';
import { waitFor } from './wait-for.js';
import { natsAuthorization, type NatsAccount } from './nats-permissions.js';

export * from './nats-permissions.js';

export interface NatsServer extends Relaunchable {
  url: string;
  port: number;
  /** The monitoring endpoint (/connz, /jsz…): tests read per-connection counters from it. */
  monitorUrl: string;
}

/**
 * nats-server with JetStream on loopback; 8 MB payloads so avatar uploads fit in one request. With `users`, only
 * they may connect, each to its own subjects (kit's stack); without, anyone may do anything (integration tests).
 */
export const startNats = async (options: {
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
  users?: readonly NatsAccount[];
}): Promise<NatsServer> => {
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
      // A file crosses NATS base64-encoded in one message (an attachment of up to 25 MiB is ~34 MB, and a download
      // carries it back the same way); 64MB is NATS's own ceiling. As deploy/compose and deploy/k8s/base nats.conf.
      'max_payload: 48MB',
      `jetstream { store_dir: "${join(options.dataDir, 'jetstream')}" }`,
      ...(options.users ? [natsAuthorization(options.users)] : []),
    ].join('\n'),
    { mode: 0o600 },
  );
  // It may hold passwords: readable by its owner only (also when an older one was already there).
  chmodSync(configFile, 0o600);
  const launch = async (): Promise<ManagedProcess> => {
    const proc = await spawnServer('nats-server', ['-c', configFile], options.log ? { log: options.log } : {});
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
