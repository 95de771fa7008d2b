import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ManagedProcess {
  name: string;
  pid: number;
  /** The last lines the process printed, for error messages. */
  recentOutput(): string;
  exited(): boolean;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exit: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  kill9(): Promise<void>;
}

const running = new Set<ManagedProcess>();

// If this process dies, no child may outlive it: 'exit' handlers must be synchronous, so SIGKILL.
process.on('exit', () => {
  for (const child of running) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Starts a child process that is tracked until it exits and is stopped by PID, never by name. */
export const spawnManaged = (
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; log?: (line: string) => void } = {},
): ManagedProcess => {
  const child: ChildProcess = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 60) lines.shift();
    options.log?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', keep);

  let hasExited = false;
  const exit = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      hasExited = true;
      running.delete(managed);
      resolve(code ?? signal ?? -1);
    });
  });

  const managed: ManagedProcess = {
    name,
    pid: child.pid,
    recentOutput: () => lines.join('\n'),
    exited: () => hasExited,
    exit,
    stop: async (graceMs = 5_000) => {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
    kill9: async () => {
      if (hasExited) return;
      child.kill('SIGKILL');
      await exit;
    },
  };
  running.add(managed);
  return managed;
};

/** Tracks a process started another way (a server in a container) until it exits, like spawnManaged's. */
export const track = (managed: ManagedProcess): void => {
  if (managed.exited()) return;
  running.add(managed);
  void managed.exit.then(() => running.delete(managed));
};

/** Stops every process started here that is still running (Ctrl-C, test teardown). */
export const stopAllManaged = async (): Promise<void> => {
  await Promise.all([...running].map((p) => p.stop()));
};

/** Waits for a readiness check while failing fast, with the child's output, if it exits first. */
export const readyOrExit = async (proc: ManagedProcess, ready: Promise<void>): Promise<void> => {
  const exitedEarly = proc.exit.then((code) => {
    throw new Error(`${proc.name} exited (${code}) before it was ready:\n${proc.recentOutput()}`);
  });
  try {
    await Promise.race([ready, exitedEarly]);
  } catch (error) {
    await proc.stop(1_000);
    throw error;
  }
  exitedEarly.catch(() => undefined);
};

/** A server that can be stopped, killed and started again the same way (same port, same data). */
export interface Relaunchable {
  pid(): number;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  restart(): Promise<void>;
}

/** Wraps a launch function (spawn and wait until ready) into a server that failure tests can restart. */
export const relaunchable = async (launch: () => Promise<ManagedProcess>): Promise<Relaunchable> => {
  let proc = await launch();
  return {
    pid: () => proc.pid,
    stop: () => proc.stop(),
    kill9: () => proc.kill9(),
    restart: async () => {
      await proc.stop();
      proc = await launch();
    },
  };
};
