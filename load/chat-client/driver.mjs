// Builds and runs the messaging scenario's Go load generator (load/chat-client): `processes` copies,
// each with its share of the users, all agreeing on every round through run.mjs's barrier. Their
// reports carry latency histograms (1 % buckets, see histogram.go) that `merge` adds up and `stats`
// reads percentiles from.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { goBinary, goBuild } from '../lib/go-build.mjs';
import { pin } from '../lib/proc.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CHAT_LOAD_BINARY = goBinary('chat-load');

export const buildChatLoad = () => goBuild(HERE, 'chat-load');

/**
 * Starts the generator processes; users are dealt round-robin so each process holds members of every
 * chat. Resolves once all have exited, with the first non-zero exit code (0 when all succeeded).
 * @param {{configFile: string, users: object[], processes: number, scratch: string, onPid?: (pid: number, name: string) => void, gomaxprocs?: number}} options
 */
export const runChatLoad = ({ configFile, users, processes, scratch, onPid, gomaxprocs = 1 }) => {
  const exits = [];
  for (let i = 0; i < processes; i++) {
    const file = join(scratch, `users-${i}.json`);
    writeFileSync(file, JSON.stringify(users.filter((_, n) => n % processes === i)));
    const child = spawn(CHAT_LOAD_BINARY, [`-config=${configFile}`, `-users=${file}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, GOMAXPROCS: String(gomaxprocs) },
    });
    onPid?.(child.pid, processes > 1 ? `client-${i + 1}` : 'client');
    exits.push(
      new Promise((resolve) => {
        child.on('error', () => resolve(1));
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      }),
    );
  }
  return Promise.all(exits).then((codes) => codes.find((c) => c !== 0) ?? 0);
};

const BASE = 1.01;

/** Adds histogram reports ({buckets: {index: count}, maxMs}) from several processes into one. */
export const merge = (reports) => {
  const buckets = new Map();
  let maxMs = 0;
  for (const report of reports) {
    if (!report) continue;
    for (const [index, count] of Object.entries(report.buckets ?? {}))
      buckets.set(Number(index), (buckets.get(Number(index)) ?? 0) + count);
    maxMs = Math.max(maxMs, report.maxMs ?? 0);
  }
  return { buckets, maxMs };
};

/**
 * count, p50/p95/p99 and max in milliseconds, in the shape the table code reads (`p(99)` keys, as k6's
 * summary had); a percentile is its bucket's geometric middle, within 0.5 % of the true value.
 * undefined when there was no sample.
 */
export const stats = ({ buckets, maxMs }) => {
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const count = sorted.reduce((t, [, n]) => t + n, 0);
  if (!count) return undefined;
  const at = (p) => {
    const rank = Math.max(1, Math.ceil((p / 100) * count));
    let seen = 0;
    for (const [index, n] of sorted) {
      seen += n;
      if (seen >= rank) return Math.min(maxMs, BASE ** (index + 0.5) / 1000);
    }
    return maxMs;
  };
  return { count, 'p(50)': at(50), 'p(95)': at(95), 'p(99)': at(99), max: maxMs };
};

/**
 * A fixed-rate GET run by the Go client (openloop.go), pinned to `cores`: request i is requests[i mod length],
 * started on schedule whatever the earlier ones do. Resolves with what lib/open-loop.mjs returns.
 * @param {{baseUrl: string, rate: number, seconds: number, requests: {path: string, token?: string}[], scratch: string, cores?: string}} plan
 */
export const openLoopGo = async ({ scratch, cores, ...plan }) => {
  const file = join(scratch, `open-loop-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`);
  writeFileSync(file, JSON.stringify(plan));
  const child = spawn(CHAT_LOAD_BINARY, [`-open-loop=${file}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, GOMAXPROCS: '1' },
  });
  if (cores) pin(child.pid, cores);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
  const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1))));
  if (code !== 0) throw new Error(`the open-loop client failed (exit ${code})`);
  const result = JSON.parse(out);
  const read = stats(merge([result.latency])) ?? { 'p(50)': NaN, 'p(95)': NaN, 'p(99)': NaN, max: NaN };
  return {
    sent: result.sent,
    ok: result.ok,
    errors: result.errors,
    p50: read['p(50)'],
    p95: read['p(95)'],
    p99: read['p(99)'],
    max: read.max,
    achievedRate: result.sent / plan.seconds,
  };
};
