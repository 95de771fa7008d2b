import { freePort, spawnProcess, waitFor, type RunningProcess } from '../infra/index.js';

export interface NodeProcessOptions {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  /** URL answering 200 once the process is ready (its /readyz). */
  readyUrl: (port: number) => string;
  /** The port the ready URL is on; it is passed in through `portVariable`. */
  portVariable: 'HEALTH_PORT' | 'PORT';
  port?: number;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface NodeProcess {
  name: string;
  port: number;
  pid(): number;
  /** SIGTERM and wait: the graceful path. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, for failure tests. */
  kill9(): Promise<void>;
  /** Start again on the same port, after stop or kill9. */
  restart(): Promise<void>;
}

const isReady = async (url: string) => {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
};

/** One of our own Node processes (a service replica or a gateway), started and watched until ready. */
export const startNodeProcess = async (options: NodeProcessOptions): Promise<NodeProcess> => {
  const port = options.port ?? (await freePort());
  let current: RunningProcess | undefined;
  const launch = async () => {
    current = spawnProcess(options.name, process.execPath, ['--enable-source-maps', options.script], {
      env: { ...options.env, [options.portVariable]: String(port) },
      ...(options.log ? { log: options.log } : {}),
    });
    await waitFor(() => isReady(options.readyUrl(port)), { timeoutMs: options.readyTimeoutMs ?? 30_000, what: `${options.name} to be ready` });
  };
  await launch();
  return {
    name: options.name,
    port,
    pid: () => current?.pid ?? -1,
    stop: async () => {
      await current?.stop();
    },
    kill9: async () => {
      if (!current) return;
      const pid = current.pid;
      process.kill(pid, 'SIGKILL');
      await current.stop();
    },
    restart: launch,
  };
};
