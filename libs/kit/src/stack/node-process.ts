import { freePort, readyOrExit, spawnManaged, waitFor, type ManagedProcess } from '../servers/index.js';

export interface NodeProcessOptions {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  /** URL answering 200 once the process is ready (its /readyz). */
  readyUrl: (port: number) => string;
  /** The variable through which the process is told its port. */
  portVariable: 'HEALTH_PORT' | 'PORT';
  port?: number;
  /** The probe port (/livez, /readyz, /metrics) when it is not the port above. */
  healthPort?: number;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface NodeProcess {
  name: string;
  port: number;
  /** Where /metrics is served. */
  healthPort: number;
  pid(): number;
  /** SIGTERM and wait: the graceful path. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, for failure tests. */
  kill9(): Promise<void>;
  /** Starts again on the same port, after stop or kill9. */
  restart(): Promise<void>;
}

const isReady = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;

/** One of our own Node processes (a service replica or a gateway), started and waited on until ready. */
export const startNodeProcess = async (options: NodeProcessOptions): Promise<NodeProcess> => {
  const port = options.port ?? (await freePort());
  let current: ManagedProcess | undefined;
  const launch = async () => {
    // STACK_CPU_PROF_DIR: every service and gateway writes a V8 CPU profile there when it exits (for load runs).
    const profile = process.env.STACK_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.STACK_CPU_PROF_DIR}`] : [];
    const proc = spawnManaged(options.name, process.execPath, [...profile, '--enable-source-maps', options.script], {
      env: { ...options.env, [options.portVariable]: String(port) },
      ...(options.log ? { log: options.log } : {}),
    });
    current = proc;
    await readyOrExit(
      proc,
      waitFor(() => isReady(options.readyUrl(port)), {
        timeoutMs: options.readyTimeoutMs ?? 30_000,
        what: `${options.name} to be ready`,
        intervalMs: 100,
        detail: () => proc.recentOutput(),
      }),
    );
  };
  await launch();
  return {
    name: options.name,
    port,
    healthPort: options.healthPort ?? port,
    pid: () => current?.pid ?? -1,
    stop: async () => {
      // Writing a long run's CPU profile outlasts the usual grace before SIGKILL.
      await current?.stop(process.env.STACK_CPU_PROF_DIR ? 120_000 : undefined);
    },
    kill9: async () => {
      await current?.kill9();
    },
    restart: launch,
  };
};
