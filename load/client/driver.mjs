// Builds and drives the Go lean client (load/client/main.go): several client processes, each holding
// a share of the sockets from its own loopback source addresses, their JSON progress lines summed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goBinary, goBuild } from '../lib/go-build.mjs';
import { pin, sleep } from '../lib/proc.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CLIENT_BINARY = goBinary('lean-ws-client');

export const buildClient = () => goBuild(HERE, 'lean-ws-client');

const ZERO = { total: 0, dialed: 0, opened: 0, failed: 0, closed: 0, events: 0, bytes: 0 };

/**
 * Starts ceil(tokens / perProcess) client processes, pinned to `cores`. Process i binds `sourcesPerProcess`
 * addresses of its own from 127.0.0.2 upwards (28 000 ephemeral ports each).
 * @param {{url: string, mode: 'ws'|'socketio', tokens: string[], perProcess?: number, sourcesPerProcess?: number,
 *          concurrency?: number, rate?: number, progressMs?: number, cores?: string}} options
 */
export const startClients = (options) => {
  const perProcess = options.perProcess ?? 5000;
  const sourcesPerProcess = options.sourcesPerProcess ?? 2;
  const dir = mkdtempSync(join(tmpdir(), 'lean-ws-client-'));
  const children = [];
  for (let i = 0, start = 0; start < options.tokens.length; i++, start += perProcess) {
    const file = join(dir, `tokens-${i}.txt`);
    writeFileSync(file, options.tokens.slice(start, start + perProcess).join('\n') + '\n');
    const sources = Array.from({ length: sourcesPerProcess }, (_, k) => `127.0.0.${2 + i * sourcesPerProcess + k}`);
    const args = [
      `-url=${options.url}`,
      `-mode=${options.mode}`,
      `-tokens=${file}`,
      `-local=${sources.join(',')}`,
      `-concurrency=${options.concurrency ?? 64}`,
      `-rate=${options.rate ?? 0}`,
      `-progress=${options.progressMs ?? 250}ms`,
    ];
    const child = spawn(CLIENT_BINARY, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const entry = { child, last: { ...ZERO }, exited: false, stderr: '' };
    let buffer = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          entry.last = JSON.parse(line);
        } catch {
          entry.stderr += `${line}\n`;
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (entry.stderr = (entry.stderr + chunk).slice(-2000)));
    child.on('exit', () => (entry.exited = true));
    if (options.cores) pin(child.pid, options.cores);
    children.push(entry);
  }

  const totals = () => {
    const sum = { ...ZERO, lastError: '' };
    for (const { last } of children) {
      for (const key of Object.keys(ZERO)) sum[key] += last[key] ?? 0;
      if (last.lastError) sum.lastError = last.lastError;
    }
    sum.total = options.tokens.length;
    return sum;
  };

  /** Polls the summed progress until `check` holds; throws with the last figures on timeout or a client's death. */
  const waitFor = async (check, timeoutMs, what) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = totals();
      if (check(now)) return now;
      const dead = children.find((c) => c.exited);
      if (dead) throw new Error(`a load client exited while waiting for ${what}: ${dead.stderr.trim()}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(now)}`);
      await sleep(20);
    }
  };

  /** Closes every client's stdin (they print a final line and exit, dropping their sockets), then waits. */
  const stop = async () => {
    for (const { child, exited } of children) if (!exited) child.stdin.end();
    const deadline = Date.now() + 10_000;
    while (children.some((c) => !c.exited) && Date.now() < deadline) await sleep(50);
    for (const { child, exited } of children) if (!exited) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };

  return { totals, waitFor, stop, pids: () => children.map((c) => c.child.pid) };
};
