// Builds and runs the media scenario's Go bots (load/media/bot): each process holds a share of a room's
// participants and is driven over its stdin/stdout, one JSON object a line (see main.go).
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { goBinary, goBuild } from '../../lib/go-build.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const MEDIA_BOT_BINARY = goBinary('media-bot');

export const buildMediaBot = () => goBuild(HERE, 'media-bot');

/**
 * Starts one bot process, pinned to `cores` from its first instruction (taskset execs it, so the pid is
 * the bot's). `request(message, replyType)` sends a command and resolves with the next reply of that type.
 * @param {{cores?: string, gomaxprocs?: number}} [options]
 */
export const startBotProcess = ({ cores, gomaxprocs = 1 } = {}) => {
  const [command, args] = cores ? ['taskset', ['-c', cores, MEDIA_BOT_BINARY]] : [MEDIA_BOT_BINARY, []];
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
    // GOGC 400: the bots allocate per packet (pion's read path); fewer collections, more memory (MBs).
    env: { ...process.env, GOMAXPROCS: String(gomaxprocs), GOGC: process.env.GOGC ?? '400' },
  });
  const waiting = new Map();
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
    child.once('error', (error) => resolve(error.message)); // e.g. the binary or taskset missing
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      process.stderr.write(`[media-bot ${child.pid}] ${line}\n`);
      return;
    }
    if (message.type === 'error') console.error(`[media-bot ${child.pid}] ${message.error}`);
    const resolve = waiting.get(message.type);
    waiting.delete(message.type);
    resolve?.(message);
  });
  const request = (message, reply, timeoutMs = 180_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`media-bot ${child.pid}: no ${reply} within ${timeoutMs} ms`)), timeoutMs);
      waiting.set(reply, (m) => (clearTimeout(timer), resolve(m)));
      child.stdin.write(`${JSON.stringify(message)}\n`);
      exited.then((code) => (clearTimeout(timer), reject(new Error(`media-bot ${child.pid} exited (${code}) waiting for ${reply}`))));
    });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await Promise.race([request({ type: 'stop' }, 'stopped', 15_000).catch(() => undefined), exited]);
    child.stdin.end();
    const gone = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5_000))]);
    if (!gone) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  child.stdin.on('error', () => undefined);
  return { pid: child.pid, request, stop };
};
