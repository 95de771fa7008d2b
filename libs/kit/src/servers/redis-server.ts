import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { readyOrExit, relaunchable, type ManagedProcess, type Relaunchable } from './managed-process.js';
import { freePort } from './ports.js';
import { spawnServer } from './server-process.js';
import { waitFor } from './wait-for.js';

export interface RedisServer extends Relaunchable {
  url: string;
  port: number;
}

/** Sends PING in RESP over a raw socket: readiness without a client library. */
export const redisPing = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });

/** Debian's redis-server on loopback, keeping nothing on disk (sessions expire anyway). */
export const startRedis = async (options: { dataDir: string; port?: number; log?: (line: string) => void }): Promise<RedisServer> => {
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const launch = async (): Promise<ManagedProcess> => {
    const proc = await spawnServer(
      'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        // Call sessions live here: the append-only file lets them survive a restart, as in production.
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--dir',
        options.dataDir,
        '--protected-mode',
        'yes',
      ],
      options.log ? { log: options.log } : {},
    );
    await readyOrExit(
      proc,
      waitFor(() => redisPing(port), { timeoutMs: 10_000, what: 'redis-server', detail: () => proc.recentOutput() }),
    );
    return proc;
  };
  const server = await relaunchable(launch);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    ...server,
  };
};
