// History under a large store: LOAD_MESSAGES (1 000 000) messages over LOAD_CHATS (10 000) chats, then pages of the
// recent window (served from Redis) at a fixed rate, and a few pages older than the window (one store query each),
// against /livez and /healthz at the same rate on the same quiet stack.
import { readStoreCommands, storeCommandsBetween } from '@messenger/kit/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildChatLoad, openLoopGo } from '../chat-client/driver.mjs';
import { cpuCell, cpuMeter, LOAD_CORE, pinAll, STACK_CORE, STACK_CORE_COUNT, stackProcesses } from '../lib/k6-harness.mjs';
import { openLoop } from '../lib/open-loop.mjs';
import { SMOKE, report } from '../lib/results.mjs';
import { startLoadStack, tokenMinter } from '../lib/stack.mjs';
import { seedHistory } from './seed.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const CHATS = env('LOAD_CHATS', SMOKE ? 40 : 10_000);
const MESSAGES = env('LOAD_MESSAGES', SMOKE ? 4_000 : 1_000_000);
const LONG_CHATS = env('LOAD_LONG_CHATS', SMOKE ? 4 : 100);
const LONG_MESSAGES = env('LOAD_LONG_MESSAGES', SMOKE ? 400 : 1_000);
const RATE = env('LOAD_RATE', SMOKE ? 20 : 200);
const SECONDS = env('LOAD_SECONDS', SMOKE ? 2 : 20);
const OLD_PAGES = env('LOAD_OLD_PAGES', SMOKE ? 2 : 5);
/** Seconds between old pages: each is a scan of every message on the local store, so they go one at a time. */
const OLD_EVERY = env('LOAD_OLD_EVERY_SECONDS', SMOKE ? 1 : 30);
const WINDOW = 200;
const WARMUP_SECONDS = SMOKE ? 1 : 5;
const PAGE = 50;
const GOAL_P99_MS = 50;

const log = (line) => process.stdout.write(`[history] ${line}\n`);
const seconds = (since) => (performance.now() - since) / 1000;

const main = async () => {
  buildChatLoad();
  const scratch = mkdtempSync(join(tmpdir(), 'load-history-'));
  let started = performance.now();
  /** The groups replica's own account of its last start (phases in ms), from its log. */
  let groupsReady;
  const stack = await startLoadStack('history', {
    log: (source, line) => {
      if (source.startsWith('groups') && line.includes('groups ready to serve')) groupsReady = JSON.parse(line);
      else if (/"level":"(error|fatal)"|\b(ERROR|FATAL|panic)\b/.test(line)) process.stderr.write(`[${source}] ${line}\n`);
    },
    withLiveKit: false,
    serviceReadyTimeoutMs: 600_000,
    // An old page on the local store is a scan of every message; it is measured, so it may take longer than 5 s.
    env: { RECENT_WINDOW: String(WINDOW), NATS_REQUEST_TIMEOUT_MS: '60000', LOG_LEVEL: 'info' },
  });
  try {
    const processes = stackProcesses(stack);
    const pinned = pinAll(processes);
    log(`stack up in ${seconds(started).toFixed(1)} s; pinned: ${pinned}`);
    const base = stack.gatewayUrl();
    const mint = tokenMinter(stack);

    const get = async (path, token) => {
      const response = await fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      await response.arrayBuffer();
      return response.ok;
    };
    const meter = cpuMeter(processes);
    const measured = async (name, run) => {
      const cpuStart = meter.read();
      const storeStart = await readStoreCommands(stack, ['groups']);
      const result = await run();
      const usage = meter.between(cpuStart, meter.read());
      const store = storeCommandsBetween(storeStart, await readStoreCommands(stack, ['groups']));
      log(`${name}: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, errors ${result.errors}`);
      return { ...result, usage, store };
    };

    const fixedRate = (requests, rate, secs) => openLoopGo({ baseUrl: base, rate, seconds: secs, requests, scratch, cores: LOAD_CORE });
    const livez = await measured('GET /livez', () => fixedRate([{ path: '/livez' }], RATE, SECONDS));
    const healthz = await measured('GET /healthz', () => fixedRate([{ path: '/healthz' }], RATE, SECONDS));

    started = performance.now();
    const seeded = await seedHistory(stack, {
      chats: CHATS,
      messages: MESSAGES,
      longChats: LONG_CHATS,
      longMessages: LONG_MESSAGES,
      membersPerChat: 4,
      users: Math.max(8, Math.floor(CHATS / 2)),
      windowSize: WINDOW,
      log,
    });
    const stored = seeded.chats.reduce((total, chat) => total + chat.count, 0);
    log(
      `seeded ${stored} messages in ${seeded.chats.length} chats: store ${seeded.seconds.store.toFixed(0)} s, Redis ${seeded.seconds.redis.toFixed(0)} s`,
    );

    // A restart: the replica builds nothing (the index is in Redis) but warms its cache of chats before it is ready.
    started = performance.now();
    await stack.services.groups[0].stop();
    await stack.services.groups[0].restart();
    const restartSeconds = seconds(started);
    processes.splice(0, processes.length, ...stackProcesses(stack));
    pinAll(processes);
    const meterAfter = cpuMeter(processes);
    meter.read = meterAfter.read;
    meter.between = meterAfter.between;
    log(`groups restarted and ready in ${restartSeconds.toFixed(1)} s`);

    const tokens = new Map();
    const tokenOf = (userId) => tokens.get(userId) ?? tokens.set(userId, mint(userId)).get(userId);
    const pick = (list, i) => list[(i * 7919) % list.length];
    const recentPages = (from, count) =>
      Array.from({ length: count }, (_, n) => {
        const i = from + n;
        const chat = pick(seeded.chats, i);
        return { path: `/api/chats/${chat.id}/messages?limit=${PAGE}`, token: tokenOf(chat.members[i % chat.members.length]) };
      });
    // The first seconds after a restart (JIT, connection pools) are not the steady state the goal is about.
    await fixedRate(recentPages(1_000_003, RATE * WARMUP_SECONDS), RATE, WARMUP_SECONDS);
    const recent = await measured('recent page', () => fixedRate(recentPages(0, RATE * SECONDS), RATE, SECONDS));
    const long = seeded.chats.filter((c) => c.count > WINDOW + PAGE);
    // One at a time: each is a scan of the whole messages collection on the local store.
    const old = await measured('old page', () =>
      openLoop({
        rate: 1 / OLD_EVERY,
        seconds: OLD_PAGES * OLD_EVERY,
        request: (i) => {
          const chat = pick(long, i);
          const before = 2 + ((i * 104_729) % (chat.count - WINDOW - PAGE));
          return get(`/api/chats/${chat.id}/messages?limit=${PAGE}&before=${before}`, tokenOf(chat.members[0]));
        },
      }),
    ).catch((error) => ({
      p50: NaN,
      p99: NaN,
      max: NaN,
      errors: OLD_PAGES,
      sent: OLD_PAGES,
      achievedRate: 0,
      usage: {},
      store: {},
      error,
    }));

    const storeCell = (store) =>
      Object.entries(store)
        .map(([command, n]) => `${command} ${n}`)
        .join(', ') || 'none';
    const row = (what, r, extra = {}) => ({
      request: what,
      'rate/s': r.achievedRate,
      'p50 ms': r.p50,
      'p99 ms': r.p99,
      'max ms': r.max,
      'p99 ÷ /healthz p99': r.p99 / healthz.p99,
      errors: r.errors,
      'store commands': storeCell(r.store),
      'CPU % of a core': cpuCell(r.usage),
      ...extra,
    });
    const busiest = Object.entries(recent.usage).sort((a, b) => b[1] - a[1])[0] ?? ['?', NaN];
    report({
      scenario: 'history',
      setup:
        `${stored.toLocaleString('en-US')} messages in ${seeded.chats.length.toLocaleString('en-US')} group chats of 4 (${long.length} long chats of ${LONG_MESSAGES} messages, the rest sharing what is left), ` +
        `seeded by load/history/seed.mjs straight into messenger_groups (${seeded.seconds.store.toFixed(0)} s) and given the live state a real history leaves in Redis with the groups service's own classes: counter, preview, the newest ${WINDOW} messages (${seeded.seconds.redis.toFixed(0)} s). ` +
        `Then the groups replica was restarted: ready again in ${restartSeconds.toFixed(1)} s, by its own log ${groupsReady ? `stores and indexes ${groupsReady.storesMs} ms, membership index ${groupsReady.indexMs} ms, chat cache warmed ${groupsReady.cacheMs} ms` : '(no log line)'} (cumulative from its start), its cache filled before it said it was ready. ` +
        `Requests from the Go load client (load/chat-client -open-loop, GOMAXPROCS=1: each starts on schedule whatever the earlier ones do; latencies in 1 % buckets), pinned to core ${LOAD_CORE}, the stack to core${STACK_CORE_COUNT > 1 ? 's' : ''} ${STACK_CORE} (taskset; Node's fetch, used before, put a tail of its own on every row: /healthz p99 42 ms against 10 ms from Go): ` +
        `GET /livez and /healthz as baselines, then pages of ${PAGE} of the newest messages of a chat spread over all ${seeded.chats.length} chats, each by one of its members (access tokens minted with the stack's dev key), ${RATE}/s for ${SECONDS} s after ${WARMUP_SECONDS} s of the same not counted; ` +
        `then, from Node, ${OLD_PAGES} pages older than the window, one every ${OLD_EVERY} s (the gateway's timeout raised to 60 s for this run so the local store's scan is measured, not cut). ` +
        `"store commands" are the groups service's own count (messenger_store_commands_total) during each row.`,
      rows: [
        row('GET /livez', livez),
        row('GET /healthz', healthz),
        row(`recent page (newest ${PAGE})`, recent),
        row(`old page (before the newest ${WINDOW})`, old),
      ],
      goals: [
        {
          goal: `recent-history p99 ≤ ${GOAL_P99_MS} ms at ${(MESSAGES / 1e6).toFixed(1)}M messages`,
          met: recent.p99 <= GOAL_P99_MS && recent.errors === 0,
          detail: `p99 ${recent.p99.toFixed(1)} ms at ${recent.achievedRate.toFixed(0)} requests/s (${(recent.p99 / healthz.p99).toFixed(2)}× /healthz's p99), ${recent.errors} errors; the busiest process during it was ${busiest[0]} at ${Number(busiest[1]).toFixed(0)} % of a core.`,
        },
      ],
      notes: [
        `An old page costs one store query: on MongoDB the {chatId, seq} index serves it; on the local store it scans all ${stored.toLocaleString('en-US')} messages (FACTS.md): ${
          old.ok
            ? `${(old.p50 / 1000).toFixed(1)} s median, ${old.errors} of ${old.sent} not answered within 60 s`
            : `none of the ${old.sent} answered within 60 s (the gateway's timeout for this run), with FerretDB at ${Number(old.usage.ferretdb ?? NaN).toFixed(0)} % of a core`
        }.`,
      ],
    });
  } finally {
    await stack.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
};

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`[history] ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
