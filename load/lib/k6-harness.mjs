// What the messaging and call-signalling scenarios share: the k6 binary, a barrier server through
// which all k6 VUs agree on when each step starts (and whether the next one runs), the CPU profile of
// the stack's processes per step, and reading k6's handleSummary JSON.
import { spawn } from 'node:child_process';
import { randomBytes, scrypt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { toolsDir } from '../../scripts/tools.mjs';
import { cpuMicros, pin, rssBytes } from './proc.mjs';

export const k6Path = () => join(toolsDir(), 'bin', 'k6');

/** The bootstrap builds k6 last; a scenario started while it runs waits for it (up to `timeoutMs`). */
export const waitForK6 = async (timeoutMs = 15 * 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(k6Path())) {
    if (Date.now() > deadline) throw new Error(`k6 not found at ${k6Path()}: run scripts/bootstrap.sh`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  return k6Path();
};

export const LOAD_CORE = '0';
/** Where the stack runs: core 1 alone by default; LOAD_STACK_CORES=0,1 lets it use both (sharing core 0 with the load). */
export const STACK_CORE = process.env.LOAD_STACK_CORES ?? '1';
/** How many cores the stack may use, for the "what limits it" arithmetic. */
export const STACK_CORE_COUNT = STACK_CORE.split(',').length;

/** Every process of the stack by a short name, for pinning and for the CPU profile. */
export const stackProcesses = (stack) => {
  const list = [];
  for (const gateway of stack.gateways) list.push([gateway.name, gateway.pid()]);
  for (const [name, replicas] of Object.entries(stack.services))
    replicas.forEach((r, i) => list.push([`${name}${replicas.length > 1 ? `-${i + 1}` : ''}`, r.pid()]));
  if (stack.mongo) list.push(['ferretdb', stack.mongo.pid()]);
  if (stack.nats) list.push(['nats', stack.nats.pid()]);
  if (stack.redis) list.push(['redis', stack.redis.pid()]);
  if (stack.livekit) list.push(['livekit', stack.livekit.pid()]);
  return list.map(([name, pid]) => ({ name: name.replace(/-1$/, ''), pid }));
};

/** The load and this process on core 0, the stack on STACK_CORE (when the machine has two cores or more). */
export const pinAll = (processes) => {
  if (cpus().length < 2) return false;
  let ok = pin(process.pid, LOAD_CORE);
  for (const p of processes) ok = pin(p.pid, STACK_CORE) && ok;
  return ok;
};

/** CPU time of each process between two calls of `take()`, as % of one core. */
export const cpuMeter = (processes) => {
  const read = () => {
    const at = performance.now();
    const cpu = new Map();
    for (const p of processes) {
      try {
        cpu.set(p.name, cpuMicros(p.pid));
      } catch {
        cpu.set(p.name, NaN);
      }
    }
    return { at, cpu };
  };
  return {
    read,
    /** % of one core each process used between the snapshots a and b. */
    between: (a, b) => {
      const wallMicros = (b.at - a.at) * 1000;
      const out = {};
      for (const [name, start] of a.cpu) out[name] = ((b.cpu.get(name) - start) / wallMicros) * 100;
      return out;
    },
  };
};

/**
 * Waits until the stack's processes together use under `busyPercent` of a core over 2 s, or `maxMs`
 * passed; returns the seconds waited. Every socket that opens is a presence change its user's contacts
 * are told of, and with thousands of sockets that work outlasts the connecting.
 */
export const untilQuiet = async (processes, { maxMs, busyPercent = 25 }) => {
  const since = performance.now();
  const meter = cpuMeter(processes);
  while (performance.now() - since < maxMs) {
    const a = meter.read();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const busy = Object.values(meter.between(a, meter.read())).reduce((t, v) => t + (Number.isFinite(v) ? v : 0), 0);
    if (busy < busyPercent) break;
  }
  return (performance.now() - since) / 1000;
};

export const rssMiB = (pid) => {
  try {
    return rssBytes(pid) / 2 ** 20;
  } catch {
    return NaN;
  }
};

/**
 * A barrier for `parties` k6 VUs: each POSTs `/barrier/<round>` with a JSON report and waits; when all
 * have reported (or `timeoutMs(round)` after the first did), `decide(round, reports)` runs once and its
 * answer goes to every waiter, and to anyone who reports late.
 */
export const startBarrier = async ({ parties, timeoutMs, decide }) => {
  const rounds = new Map();
  const settle = async (name) => {
    const round = rounds.get(name);
    if (round.settling) return;
    round.settling = true;
    clearTimeout(round.timer);
    round.result = JSON.stringify(await decide(name, round.reports));
    for (const res of round.waiters) res.end(round.result);
    round.waiters = [];
  };
  const server = createServer((req, res) => {
    const match = /^\/barrier\/([\w.-]+)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.statusCode = 404;
      return res.end();
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const name = match[1];
      let round = rounds.get(name);
      if (!round) {
        round = { reports: [], waiters: [], result: undefined, settling: false, timer: undefined };
        rounds.set(name, round);
        round.timer = setTimeout(() => void settle(name), timeoutMs(name));
      }
      res.setHeader('content-type', 'application/json');
      if (round.result) return res.end(round.result);
      try {
        round.reports.push(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch {
        round.reports.push({});
      }
      round.waiters.push(res);
      if (round.reports.length >= parties) void settle(name);
    });
  });
  server.keepAliveTimeout = 600_000;
  server.headersTimeout = 610_000;
  server.requestTimeout = 0;
  server.maxConnections = parties * 2 + 100;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

/**
 * Runs k6 pinned to the load core; resolves with its exit code and handleSummary's JSON. k6 exits
 * 99 when a threshold fails; this harness uses none, so any non-zero code is a failure.
 */
export const runK6 = ({ script, env, summaryFile, onPid }) =>
  new Promise((resolve, reject) => {
    const args = ['run', '--quiet', '--no-usage-report', script];
    const taskset = existsSync('/usr/bin/taskset') ? ['/usr/bin/taskset', ['-c', LOAD_CORE, k6Path(), ...args]] : [k6Path(), args];
    const child = spawn(taskset[0], taskset[1], {
      env: { ...process.env, ...env, SUMMARY_FILE: summaryFile, K6_NO_USAGE_REPORT: 'true' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    onPid?.(child.pid);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const summary = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : undefined;
      resolve({ code: code ?? (signal ? 128 : 1), summary });
    });
  });

/** A Trend's values from handleSummary data, or undefined when the metric saw no sample. */
export const trend = (summary, name) => summary?.metrics?.[name]?.values;

/** The percentile p (0–100) from `trend()` values, whose keys look like 'p(99)'. */
export const pct = (values, p) => values?.[`p(${p})`] ?? NaN;

/** CPU % of one core per process, as one table cell: the busiest first. */
export const cpuCell = (usage, top = 4) =>
  Object.entries(usage)
    .filter(([, v]) => Number.isFinite(v))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, v]) => `${name} ${v.toFixed(0)}`)
    .join(', ');

/** Users created through POST /api/auth/register; the rest are inserted directly. */
export const API_USERS = 2;

/** Runs `task` over `items` with at most `limit` at a time. */
export const pool = async (items, limit, task) => {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i], i);
      }
    }),
  );
  return results;
};

export const api = async (base, method, path, token, body) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
};

/** Users: a few through the register endpoint (the real path), the rest straight into the users service's collection. */
export const seedUsers = async (stack, count) => {
  const base = stack.gatewayUrl();
  const users = [];
  const tag = randomBytes(3).toString('hex');
  for (let i = 0; i < Math.min(API_USERS, count); i++) {
    const credentials = { username: `load_${tag}_${i}`, password: 'load-test-password' };
    // A register that timed out at the gateway (scrypt on a busy core) may still have happened: then log in.
    let body;
    for (let attempt = 0; !body; attempt++) {
      body = await api(base, 'POST', '/api/auth/register', undefined, { ...credentials, name: `Load User ${i}` }).catch(async (error) => {
        if (attempt >= 3) throw error;
        return api(base, 'POST', '/api/auth/login', undefined, credentials).catch(() => undefined);
      });
    }
    users.push({ id: body.user.id });
  }
  // The same document the users service writes (accounts.repository create + mongoose timestamps),
  // with one real scrypt hash shared by all: the accounts could sign in with 'load-test-password'.
  const salt = randomBytes(16);
  const key = await promisify(scrypt)('load-test-password', salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 256 * 2 ** 15 * 8 });
  const passwordHash = ['scrypt', 2 ** 15, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
  const client = new mongoose.mongo.MongoClient(stack.env.MONGO_URL);
  await client.connect();
  try {
    const accounts = client.db('messenger_users').collection('accounts');
    const now = new Date();
    const docs = [];
    for (let i = users.length; i < count; i++) {
      const _id = new mongoose.Types.ObjectId();
      docs.push({
        _id,
        username: `load_${tag}_${i}`,
        name: `Load User ${i}`,
        nameWords: ['load', 'user', String(i)],
        bio: '',
        passwordHash,
        avatarVersion: null,
        lastSeenAt: null,
        createdAt: now,
        updatedAt: now,
      });
      users.push({ id: _id.toHexString() });
    }
    for (let i = 0; i < docs.length; i += 1000) await accounts.insertMany(docs.slice(i, i + 1000), { ordered: false });
  } finally {
    await client.close();
  }
  return users;
};
