// fan-out: one event to a topic with 10 000 subscribers, repeated, and the server CPU time each
// delivered frame costs: the gateway (NATS push.users → uWS topic publish), the Socket.IO 4
// baseline (room broadcast) and a plain `ws` loop of socket.send. All 10 000 sockets belong to one
// user, so they share the topic/room/Set; then each of its own user, pushed as the product pushes to many users.
// Server on core 0; the Go lean clients, NATS and the rest of the stack on core 1.
import process from 'node:process';
import { connect } from '@nats-io/transport-node';
import { PUSH_USERS_PER_MESSAGE } from '@messenger/contracts';
import { publishPush } from '@messenger/kit';
import { startBaseline } from '../baselines/start.mjs';
import { buildClient, startClients } from '../client/driver.mjs';
import { cpuMicros, cpuSplitMicros, pin, sleep } from '../lib/proc.mjs';
import { report, SMOKE } from '../lib/results.mjs';
import { startLoadStack, syntheticUserId, tokenMinter } from '../lib/stack.mjs';

const SERVER_CORE = '0';
const LOAD_CORE = '1';
const SUBSCRIBERS = SMOKE ? 500 : Number(process.env.LOAD_SUBSCRIBERS ?? 10_000);
const EVENTS = SMOKE ? 5 : Number(process.env.LOAD_EVENTS ?? 300);
/** Events in flight: 1 = the next event is published once every socket has the previous one, so each frame is its own write. */
const WINDOW = Number(process.env.LOAD_WINDOW ?? 1);
const PER_PROCESS = SMOKE ? 250 : 5_000;
const DELIVERY_TIMEOUT_MS = SMOKE ? 30_000 : 300_000;

const USER = syntheticUserId(1);
/** A message.created frame as the groups service sends it (~330 bytes). */
const frame = (seq) =>
  JSON.stringify({
    type: 'message.created',
    data: {
      id: (0x20000000 + seq).toString(16).padStart(24, 'b'),
      chatId: 'c'.repeat(24),
      seq,
      senderId: syntheticUserId(2),
      kind: 'text',
      text: `fan-out event ${seq}: the quick brown fox jumps over the lazy dog, twice over to be a typical chat line.`,
      system: null,
      clientId: `load-${seq}`,
      createdAt: new Date().toISOString(),
    },
  });

/**
 * The two audiences: every socket one user's (one topic, one push naming one user), and every socket its own user's,
 * pushed as the product pushes to many users (publishPush: one message per 1 000 users, each gateway routing by id).
 */
const CASES = [
  { key: 'one', label: `one user, ${SUBSCRIBERS.toLocaleString('en-US')} sockets`, users: [USER] },
  {
    key: 'many',
    label: `${SUBSCRIBERS.toLocaleString('en-US')} users, a socket each`,
    users: Array.from({ length: SUBSCRIBERS }, (_, i) => syntheticUserId(100 + i)),
  },
];

const measure = async (server, { pid, url, mode }, audience, tokens, nats) => {
  const clients = startClients({ url, mode, tokens, perProcess: PER_PROCESS, cores: LOAD_CORE, concurrency: 64, progressMs: 20 });
  try {
    await clients.waitFor((t) => t.opened + t.failed >= t.total, 300_000, `${server}: ${tokens.length} sockets`);
    const open = clients.totals();
    if (open.failed) throw new Error(`${server}: ${open.failed} sockets failed to open (${open.lastError})`);
    await sleep(SMOKE ? 500 : 3_000);
    const subscribers = open.opened;
    const target = EVENTS * subscribers;
    const cpuStart = cpuMicros(pid);
    const splitStart = cpuSplitMicros(pid);
    const started = process.hrtime.bigint();
    let published = 0;
    while (published < EVENTS) {
      const delivered = Math.floor(clients.totals().events / subscribers);
      while (published < EVENTS && published < delivered + WINDOW) publishPush(nats, audience.users, frame(published++));
      await sleep(2);
    }
    await nats.flush();
    const done = await clients.waitFor((t) => t.events >= target || t.closed > 0, DELIVERY_TIMEOUT_MS, `${server}: ${target} frames`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = cpuMicros(pid) - cpuStart;
    const splitEnd = cpuSplitMicros(pid);
    const user = splitEnd.user - splitStart.user;
    const system = splitEnd.system - splitStart.system;
    if (done.closed) process.stderr.write(`${server}: ${done.closed} sockets were closed during the run (${done.lastError})\n`);
    return {
      server,
      audience: audience.label,
      subscribers,
      events: EVENTS,
      frames: done.events,
      cpu,
      perFrame: cpu / done.events,
      userPerFrame: user / done.events,
      systemPerFrame: system / done.events,
      seconds,
      closed: done.closed,
    };
  } finally {
    await clients.stop();
  }
};

buildClient();
const stack = await startLoadStack('fanout', { withLiveKit: false });
const results = [];
try {
  const gateway = stack.gateways[0];
  pin(gateway.pid(), SERVER_CORE);
  for (const other of [stack.nats, stack.redis, stack.mongo, ...Object.values(stack.services).flat()])
    if (other) pin(other.pid(), LOAD_CORE);
  const nats = await connect(stack.natsLogin());
  try {
    const mint = tokenMinter(stack);
    for (const audience of CASES) {
      const tokens = audience.users.length === 1 ? Array.from({ length: SUBSCRIBERS }, () => mint(USER)) : audience.users.map(mint);
      results.push(
        await measure(
          'gateway (uWS topic publish)',
          { pid: gateway.pid(), url: `${stack.gatewayUrl().replace('http', 'ws')}/ws`, mode: 'ws' },
          audience,
          tokens,
          nats,
        ),
      );
      for (const [kind, label] of [
        ['socketio', 'Socket.IO 4 baseline (room emit)'],
        ['ws', 'plain ws baseline (send loop)'],
      ]) {
        const baseline = await startBaseline(kind, {
          publicKeyPem: stack.keys.publicKeyPem,
          nats: stack.natsLogin('gateway'),
          cores: SERVER_CORE,
        });
        try {
          results.push(
            await measure(
              label,
              { pid: baseline.pid, url: baseline.url, mode: kind === 'socketio' ? 'socketio' : 'ws' },
              audience,
              tokens,
              nats,
            ),
          );
        } finally {
          await baseline.stop();
        }
      }
    }
  } finally {
    await nats.close();
  }
} finally {
  await stack.stop();
}

/** The gateway and the two baselines of one audience. */
const trio = (audience) => {
  const [gw, sio, ws] = results.filter((r) => r.audience === audience.label);
  return { gw, sio, ws };
};
const rows = results.map((r) => ({
  audience: r.audience,
  server: r.server,
  subscribers: r.subscribers,
  events: r.events,
  'frames delivered': r.frames,
  'server CPU (ms)': r.cpu / 1000,
  'CPU-µs per frame': r.perFrame,
  'per frame vs gateway': `${(r.perFrame / results.find((g) => g.audience === r.audience).perFrame).toFixed(2)}×`,
  'user µs per frame': r.userPerFrame,
  'system µs per frame': r.systemPerFrame,
  'frames/s (client-bound)': Math.round(r.frames / r.seconds),
}));

report({
  scenario: 'fanout',
  setup:
    `${SUBSCRIBERS.toLocaleString('en-US')} WebSockets opened by Go lean clients (load/client, ≤ ${PER_PROCESS} each), in two audiences: all of one user ` +
    `(one topic / room / Set; each event one NATS message naming that user) and each of its own user (each event pushed as the product pushes to many users: ` +
    `kit's publishPush, one NATS message per ${PUSH_USERS_PER_MESSAGE.toLocaleString('en-US')} users on push.users, every server taking every message and routing by user id). ` +
    `${EVENTS} events (a ~330-byte message.created frame) published one by one, ${WINDOW === 1 ? 'the next one once every socket has the previous one (so every frame is its own write in every server)' : `at most ${WINDOW} ahead of the slowest delivery`}, ` +
    `until every socket received every event. Servers: the gateway of a full stack (one NATS subscription, uWS app.publish to topic user:<id>, bytes unchanged), ` +
    `a Socket.IO 4.8 server (websocket transport only, no deflate; each NATS message parsed once and sent with io.to(rooms).emit) and a plain ws 8 server ` +
    `(a for-of loop of socket.send(bytes) over each named user's Set). CPU = the server process's user + system time from the first publish to the last frame ` +
    `received (/proc/<pid>/stat), divided by frames delivered; idle timers included. Server pinned to core ${SERVER_CORE}, clients and the rest of the stack ` +
    `to core ${LOAD_CORE} (taskset). frames/s is bounded by the clients on one core, not by the servers.`,
  rows,
  goals: CASES.flatMap((audience) => {
    const { gw, sio, ws } = trio(audience);
    if (!gw || !sio || !ws) return [];
    const sioRatio = sio.perFrame / gw.perFrame;
    return [
      {
        goal: `≤ 2 CPU-µs per delivered frame on the gateway (${audience.label})`,
        met: gw.perFrame <= 2,
        detail:
          `${gw.perFrame.toFixed(3)} µs per frame (${(gw.cpu / 1000).toFixed(0)} ms for ${gw.frames.toLocaleString('en-US')} frames): ` +
          `${gw.userPerFrame.toFixed(2)} µs in user space, ${gw.systemPerFrame.toFixed(2)} µs in the kernel, where on loopback each write also runs the receiving ` +
          `side's TCP stack in the sender's context.`,
      },
      {
        goal: `≥ 5× cheaper per frame than the Socket.IO baseline (${audience.label})`,
        met: sioRatio >= 5,
        detail:
          `Socket.IO ${sio.perFrame.toFixed(3)} µs ÷ gateway ${gw.perFrame.toFixed(3)} µs = ${sioRatio.toFixed(2)}× (plain ws loop: ${(ws.perFrame / gw.perFrame).toFixed(2)}×); ` +
          `user space alone: ${(sio.userPerFrame / gw.userPerFrame).toFixed(2)}× (ws: ${(ws.userPerFrame / gw.userPerFrame).toFixed(2)}×).`,
      },
    ];
  }),
  notes: SMOKE ? ['Smoke run: tiny counts; the CPU figures are 10 ms clock ticks over a few thousand frames, i.e. noise.'] : [],
});
if (results.some((r) => r.closed > 0 || r.frames < r.events * r.subscribers)) {
  process.stderr.write('fanout: some server dropped sockets or frames\n');
  process.exitCode = 1;
}
