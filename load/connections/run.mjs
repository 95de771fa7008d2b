// connections: idle, authenticated, subscribed WebSockets held by one gateway, and the RSS each one
// costs; the same count held by the Socket.IO 4 baseline and by a plain `ws` server doing the same job.
// Server on core 0; the Go lean clients (and NATS, Redis, FerretDB, the services) on core 1.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { collectGarbage, inspectorUrl } from '../baselines/inspector.mjs';
import { startBaseline } from '../baselines/start.mjs';
import { buildClient, startClients } from '../client/driver.mjs';
import { pin, rssBytes, sleep } from '../lib/proc.mjs';
import { report, SMOKE } from '../lib/results.mjs';
import { startLoadStack, syntheticUserId, tokenMinter } from '../lib/stack.mjs';

const SERVER_CORE = '0';
const LOAD_CORE = '1';
const COUNT = SMOKE ? 200 : Number(process.env.LOAD_CONNECTIONS ?? 19_000);
const PER_PROCESS = SMOKE ? 100 : Number(process.env.LOAD_CLIENT_SOCKETS ?? 5_000);
const SETTLE_BEFORE_MS = SMOKE ? 1_000 : 5_000;
const SETTLE_HELD_MS = SMOKE ? 1_000 : 20_000;
const OPEN_TIMEOUT_MS = SMOKE ? 60_000 : 600_000;
const KB = 1000;

/** The soft "Max open files" of a process: what caps the sockets one server can hold here. */
const openFilesLimit = (pid) => {
  const match = /^Max open files\s+(\d+)\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return match ? { soft: Number(match[1]), hard: match[2] === 'unlimited' ? Infinity : Number(match[2]) } : undefined;
};

/** RSS sampled once a second over the pause; the last sample, once V8 and malloc have had time to settle. */
const settledRss = async (pid, ms) => {
  let last = rssBytes(pid);
  for (let waited = 0; waited < ms; waited += 1_000) {
    await sleep(Math.min(1_000, ms - waited));
    last = rssBytes(pid);
  }
  return last;
};

const measure = async (server, { pid, url, mode, collectGarbage }, tokens) => {
  await sleep(SETTLE_BEFORE_MS);
  await collectGarbage();
  const rssBefore = rssBytes(pid);
  const started = Date.now();
  const clients = startClients({ url, mode, tokens, perProcess: PER_PROCESS, cores: LOAD_CORE, concurrency: 64 });
  try {
    const opened = await clients.waitFor((t) => t.opened + t.failed >= t.total, OPEN_TIMEOUT_MS, `${server}: ${tokens.length} sockets`);
    const openSeconds = (Date.now() - started) / 1000;
    if (opened.failed) process.stderr.write(`${server}: ${opened.failed} sockets failed to open (${opened.lastError})\n`);
    process.stderr.write(`${server}: ${opened.opened} sockets open in ${openSeconds.toFixed(1)} s\n`);
    const rssPaused = await settledRss(pid, SETTLE_HELD_MS);
    await collectGarbage();
    const rssHeld = rssBytes(pid);
    const held = clients.totals();
    const sockets = held.opened - held.closed;
    const per = (rss) => (rss - rssBefore) / Math.max(1, sockets);
    return {
      server,
      sockets,
      failed: held.failed + held.closed,
      rssBefore,
      rssHeld,
      perSocket: per(rssHeld),
      perSocketPaused: per(rssPaused),
      openSeconds,
    };
  } finally {
    await clients.stop();
  }
};

buildClient();
// Every Node process of the stack gets an inspector on a free loopback port; the gateway's is used to force GC.
let gatewayInspector;
const stack = await startLoadStack('connections', {
  withLiveKit: false,
  env: { NODE_OPTIONS: '--inspect=127.0.0.1:0' },
  log: (source, line) => {
    if (source === 'gateway-1') gatewayInspector = inspectorUrl(line) ?? gatewayInspector;
    if (/"level":"(error|fatal)"|\b(ERROR|FATAL|panic)\b/.test(line)) process.stderr.write(`[${source}] ${line}\n`);
  },
});
const results = [];
let limits;
try {
  const gateway = stack.gateways[0];
  pin(gateway.pid(), SERVER_CORE);
  for (const other of [stack.nats, stack.redis, stack.mongo, ...Object.values(stack.services).flat()])
    if (other) pin(other.pid(), LOAD_CORE);
  limits = openFilesLimit(gateway.pid());

  const mint = tokenMinter(stack);
  const tokens = Array.from({ length: COUNT }, (_, i) => mint(syntheticUserId(i)));

  results.push(
    await measure(
      'gateway (uWebSockets.js)',
      {
        pid: gateway.pid(),
        url: `${stack.gatewayUrl().replace('http', 'ws')}/ws`,
        mode: 'ws',
        collectGarbage: () => collectGarbage(gatewayInspector),
      },
      tokens,
    ),
  );
  for (const [kind, label] of [
    ['socketio', 'Socket.IO 4 baseline'],
    ['ws', 'plain ws baseline'],
  ]) {
    const baseline = await startBaseline(kind, {
      publicKeyPem: stack.keys.publicKeyPem,
      nats: stack.natsLogin('gateway'),
      cores: SERVER_CORE,
      inspect: true,
    });
    try {
      results.push(
        await measure(
          label,
          { pid: baseline.pid, url: baseline.url, mode: kind === 'socketio' ? 'socketio' : 'ws', collectGarbage: baseline.collectGarbage },
          tokens,
        ),
      );
    } finally {
      await baseline.stop();
    }
  }
} finally {
  await stack.stop();
}

const [gw, sio, ws] = results;
const mb = (bytes) => bytes / 2 ** 20;
const rows = results.map((r) => ({
  server: r.server,
  'sockets held': r.sockets,
  'failed or dropped': r.failed,
  'RSS before (MiB)': mb(r.rssBefore),
  'RSS held (MiB)': mb(r.rssHeld),
  'RSS per socket (KB)': r.perSocket / KB,
  'per socket vs gateway': `${(r.perSocket / gw.perSocket).toFixed(2)}×`,
  'per socket, no forced GC (KB)': r.perSocketPaused / KB,
  'open time (s)': r.openSeconds,
}));
const sioRatio = sio.perSocket / gw.perSocket;
const wsRatio = ws.perSocket / gw.perSocket;
const limitText = limits
  ? `RLIMIT_NOFILE here is ${limits.soft} (hard ${limits.hard}, not raisable without CAP_SYS_RESOURCE)`
  : 'RLIMIT_NOFILE';

report({
  scenario: 'connections',
  setup:
    `${COUNT.toLocaleString('en-US')} idle WebSockets, one user each (synthetic ids, Ed25519 access tokens minted with the stack's key), opened by ` +
    `${Math.ceil(COUNT / PER_PROCESS)} Go lean clients (load/client, ≤ ${PER_PROCESS} sockets each, 2 source addresses 127.0.0.x each, 64 handshakes in flight) ` +
    `and held against each server in turn: the gateway of a full stack (NATS, Redis, FerretDB, users, groups, calls), then a Socket.IO 4.8 server ` +
    `(websocket transport only, no long-polling or upgrade, perMessageDeflate and httpCompression off, the initial HTTP request discarded; ` +
    `auth middleware with the same Ed25519 check, room user:<id>, ready event) and a plain ws 8 server (token checked at upgrade, a Set per user, ready frame). ` +
    `Both baselines hold one NATS subscription per user like the gateway's PushHub; neither publishes presence. ` +
    `Every socket is confirmed by its ready frame. RSS per socket = (RSS with all sockets open − RSS before opening) / sockets, both read ` +
    `after a full GC forced through the process's inspector (every server runs with --inspect=127.0.0.1:0), so it counts live memory; ` +
    `"no forced GC" is the same after a ${SETTLE_HELD_MS / 1000} s pause only, which swings with V8's GC timing. The goals use the forced-GC figure. ` +
    `Server pinned to core ${SERVER_CORE}, clients and the rest of the stack to core ${LOAD_CORE} (taskset). KB = 1000 bytes.`,
  rows,
  goals: [
    {
      goal: '≥ 100 000 idle connections on one gateway',
      met: gw.sockets >= 100_000,
      detail:
        gw.sockets >= 100_000
          ? `${gw.sockets.toLocaleString('en-US')} held.`
          : `Not measurable on this machine: ${limitText}, so one process can hold at most ~19 900 sockets; measured at ${COUNT.toLocaleString('en-US')} ` +
            `(${gw.sockets.toLocaleString('en-US')} held, ${gw.failed} failed). At the measured ${(gw.perSocket / KB).toFixed(2)} KB each, 100 000 sockets would take ` +
            `~${mb(gw.rssBefore + gw.perSocket * 100_000).toFixed(0)} MiB RSS (an extrapolation, not a measurement).`,
    },
    {
      goal: '≤ 3 KB RSS per idle connection on the gateway',
      met: gw.perSocket <= 3 * KB,
      detail: `${(gw.perSocket / KB).toFixed(2)} KB per socket at ${gw.sockets.toLocaleString('en-US')} sockets.`,
    },
    {
      goal: '≥ 8× less memory per connection than the Socket.IO baseline',
      met: sioRatio >= 8,
      detail: `Socket.IO ${(sio.perSocket / KB).toFixed(2)} KB ÷ gateway ${(gw.perSocket / KB).toFixed(2)} KB = ${sioRatio.toFixed(2)}× (plain ws: ${wsRatio.toFixed(2)}×).`,
    },
  ],
  notes: [
    SMOKE
      ? 'Smoke run: tiny counts; RSS per socket at this size is mostly noise.'
      : `The count is capped because ${limitText}; override it with LOAD_CONNECTIONS.`,
  ],
});
if (results.some((r) => r.sockets < COUNT * 0.99)) {
  process.stderr.write('connections: fewer than 99% of the sockets stayed open on some server\n');
  process.exitCode = 1;
}
