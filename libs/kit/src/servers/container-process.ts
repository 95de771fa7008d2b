import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { createInterface } from 'node:readline';
import type { ManagedProcess } from './managed-process.js';
import { track } from './managed-process.js';
import type { ServerTool } from './server-process.js';

/**
 * The images each server runs from. `local` are the ones scripts/containers.sh builds on a machine with no registry;
 * `public` are what the rest of the world pulls (CONTAINER_IMAGES=public). The command is what follows the image's
 * entrypoint: the local server images and the public NATS, LiveKit and FerretDB ones take the server's arguments;
 * the Redis images take a command line.
 */
const IMAGES: Record<ServerTool, { local: string; public: string; command: (args: string[]) => string[] }> = {
  'nats-server': { local: 'local/nats:2.12', public: 'nats:2.12-alpine', command: (args) => args },
  'redis-server': { local: 'local/redis:7', public: 'redis:7.4-alpine', command: (args) => ['redis-server', ...args] },
  ferretdb: { local: 'local/ferretdb:1.24', public: 'ghcr.io/ferretdb/ferretdb:1.24.2', command: (args) => args },
  'livekit-server': { local: 'local/livekit:1.13', public: 'livekit/livekit-server:v1.13.5', command: (args) => args },
};

/**
 * Every absolute path in the arguments as a folder to share with the container: a data folder as it is, a config
 * file's folder (where the config points further, as NATS's JetStream store does, it is inside the same folder).
 */
const foldersIn = (args: string[]): string[] => {
  const paths = args
    .map((arg) =>
      arg
        .split('=')
        .at(-1)!
        .replace(/^file:/, ''),
    )
    .filter((path) => isAbsolute(path));
  const folders = paths.map((path) => {
    const clean = path.endsWith('/') ? path.slice(0, -1) : path;
    return statSync(clean, { throwIfNoEntry: false })?.isFile() ? dirname(clean) : clean;
  });
  return [...new Set(folders)];
};

/**
 * Runs a server in a container started by testcontainers, looking to its caller like a local process.
 * - The host's network (`--network host`): the server binds 127.0.0.1 and the ports its caller chose, exactly as the
 *   process would, so nothing is published beyond loopback and LiveKit's UDP media and webhooks work unchanged.
 * - Its config files and data folders are bind-mounted at the same paths, and it runs as this process's user, so
 *   what it writes belongs to the test like a child's files do.
 * - It is removed when it stops; `pid` is its main process as the host sees it, so the exit handler that kills
 *   stray children by PID ends it too.
 */
export const spawnInContainer = async (
  tool: ServerTool,
  args: string[],
  options: { log?: (line: string) => void } = {},
): Promise<ManagedProcess> => {
  // Ryuk, testcontainers' reaper, is an image that cannot be pulled here; cleanup is by PID and auto-removal.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const { GenericContainer, getContainerRuntimeClient } = await import('testcontainers');
  const image = IMAGES[tool];
  const folders = foldersIn(args);
  const user = typeof process.getuid === 'function' ? `${process.getuid()}:${process.getgid!()}` : '0:0';
  const started = await new GenericContainer(process.env.CONTAINER_IMAGES === 'public' ? image.public : image.local)
    .withNetworkMode('host')
    .withUser(user)
    .withBindMounts(folders.map((folder) => ({ source: folder, target: folder, mode: 'rw' as const })))
    .withCommand(image.command(args))
    .withAutoRemove(true)
    .start();
  const client = await getContainerRuntimeClient();
  const container = client.container.getById(started.getId());
  const inspected = await client.container.inspect(container);

  const lines: string[] = [];
  const logs = await started.logs();
  createInterface({ input: logs }).on('line', (line) => {
    lines.push(line);
    if (lines.length > 60) lines.shift();
    options.log?.(line);
  });
  let hasExited = false;
  const exit: Promise<number | string> = (container.wait() as Promise<{ StatusCode: number }>).then(
    (result) => result.StatusCode,
    () => -1, // removed before the wait could answer: it has exited either way
  );
  void exit.then(() => {
    hasExited = true;
    logs.destroy();
  });

  const managed: ManagedProcess = {
    name: `${tool} (container ${started.getId().slice(0, 12)})`,
    pid: inspected.State.Pid,
    recentOutput: () => lines.join('\n'),
    exited: () => hasExited,
    exit,
    stop: async (graceMs = 5_000) => {
      if (hasExited) return;
      await started.stop({ timeout: Math.ceil(graceMs / 1000) }).catch(() => undefined);
      await exit;
    },
    kill9: async () => {
      if (hasExited) return;
      spawnSync('docker', ['kill', '--signal', 'KILL', started.getId()], { stdio: 'ignore' });
      await exit;
    },
  };
  track(managed);
  return managed;
};
