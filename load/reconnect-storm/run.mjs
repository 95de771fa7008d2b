// Reconnect storm: LOAD_SOCKETS (5 000) users, in groups of 6, each with an open socket; then every socket drops at
// once and comes back at once (a gateway restart, a network blip). Measured: how long until every socket is open
// again, how long until the stack is quiet (its processes together under a quarter of a core), and the latency of
// messages between two other members meanwhile, against the same probe on the quiet stack before.
import process from 'node:process';
import WebSocket from 'ws';
import mongoose from 'mongoose';
import { readStoreCommands, storeCommandsBetween } from '@messenger/kit/testing';
import { buildClient, startClients } from '../client/driver.mjs';
import { groupsState } from '../lib/groups-seed.mjs';
import { cpuCell, cpuMeter, pinAll, seedUsers, stackProcesses, untilQuiet, LOAD_CORE } from '../lib/k6-harness.mjs';
import { percentile, sleep } from '../lib/proc.mjs';
import { report, SMOKE } from '../lib/results.mjs';
import { startLoadStack, tokenMinter } from '../lib/stack.mjs';

const SOCKETS = Number(process.env.LOAD_SOCKETS ?? (SMOKE ? 60 : 5_000));
const GROUP = 6;
const PROBE_MS = 50;
const BASELINE_SECONDS = SMOKE ? 2 : 10;
const GOAL_QUIET_S = 10;

const log = (line) => process.stdout.write(`[reconnect-storm] ${line}\n`);

/** Groups of 6 over the users, inserted into the store and registered in Redis as creations would be. */
const seedGroups = async (stack, users) => {
  const client = new mongoose.mongo.MongoClient(stack.env.MONGO_URL);
  await client.connect();
  const state = await groupsState(stack);
  try {
    const now = new Date();
    const docs = [];
    for (let i = 0; i + GROUP <= users.length; i += GROUP) {
      const members = users.slice(i, i + GROUP).map((u) => u.id);
      const _id = new mongoose.Types.ObjectId();
      docs.push({
        _id,
        type: 'group',
        name: `Storm ${i / GROUP}`,
        description: '',
        avatarVersion: null,
        participants: members.map((user, k) => ({
          user,
          role: k === 0 ? 'owner' : 'member',
          joinedAt: now,
          addedBy: k === 0 ? null : members[0],
          permissions:
            k === 0
              ? { canAddMembers: true, canRemoveMembers: true, canEditInfo: true, canStartCall: true }
              : { canAddMembers: false, canRemoveMembers: false, canEditInfo: false, canStartCall: true },
          ringMuted: false,
        })),
        memberCount: members.length,
        createdBy: members[0],
        maxMembers: 100,
        callSettings: { muteAll: false, onlyAdminsCanSpeak: false, ring: 'everyone' },
        pairKey: `g:${_id.toHexString()}`,
        liveCallId: null,
        version: 0,
        createdAt: now,
        updatedAt: now,
      });
    }
    for (let i = 0; i < docs.length; i += 500)
      await client
        .db('messenger_groups')
        .collection('chats')
        .insertMany(docs.slice(i, i + 500));
    for (const doc of docs)
      await state.registerChat(
        doc._id.toHexString(),
        doc.participants.map((p) => p.user),
      );
    return docs.map((d) => ({ id: d._id.toHexString(), members: d.participants.map((p) => p.user) }));
  } finally {
    await client.close();
    await state.close();
  }
};

/** Two members of one chat: one sends every PROBE_MS, the other's socket times each arrival. */
const startProbe = async (stack, chat, mint) => {
  const [sender, receiver] = chat.members;
  const token = mint(sender);
  const socket = new WebSocket(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${mint(receiver)}`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const sentAt = new Map();
  let samples = [];
  let errors = 0;
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type !== 'message.created') return;
    const at = sentAt.get(frame.data.clientId);
    if (at !== undefined) samples.push({ at, ms: performance.now() - at });
  });
  let n = 0;
  const timer = setInterval(() => {
    const clientId = `probe-${n++}`;
    sentAt.set(clientId, performance.now());
    fetch(`${stack.gatewayUrl()}/api/chats/${chat.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'probe', clientId }),
    })
      .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(String(r.status)))))
      .catch(() => errors++);
  }, PROBE_MS);
  return {
    /** Latencies of probes sent between `from` and `to` (performance.now()), and what was lost among them. */
    between: (from, to) => {
      const sent = [...sentAt.values()].filter((at) => at >= from && at < to).length;
      const got = samples
        .filter((s) => s.at >= from && s.at < to)
        .map((s) => s.ms)
        .sort((a, b) => a - b);
      return { sent, received: got.length, p50: percentile(got, 50), p99: percentile(got, 99), max: got.at(-1) ?? NaN };
    },
    errors: () => errors,
    stop: () => {
      clearInterval(timer);
      socket.close();
      samples = [];
    },
  };
};

const main = async () => {
  buildClient();
  let started = performance.now();
  // The probe is an instrument, not a person: it sends 20 messages a second, which a person's send limit refuses.
  const stack = await startLoadStack('reconnect-storm', {
    withLiveKit: false,
    env: { RATE_LIMITS: 'register=1000000/3600,send=1000000/1' },
  });
  let clients;
  let probe;
  try {
    const processes = stackProcesses(stack);
    const pinned = pinAll(processes);
    log(`stack up in ${((performance.now() - started) / 1000).toFixed(1)} s; pinned: ${pinned}`);
    const mint = tokenMinter(stack);
    const users = await seedUsers(stack, SOCKETS + GROUP);
    const chats = await seedGroups(stack, users);
    // The probe's chat is the last group; its members are not among the storm's sockets.
    const probeChat = chats.at(-1);
    const stormUsers = users.filter((u) => !probeChat.members.includes(u.id)).slice(0, SOCKETS);
    const tokens = stormUsers.map((u) => mint(u.id));
    const url = `${stack.gatewayUrl().replace('http', 'ws')}/ws`;
    const open = () => startClients({ url, mode: 'ws', tokens, perProcess: 2_500, cores: LOAD_CORE, concurrency: 256, progressMs: 20 });

    clients = open();
    await clients.waitFor((t) => t.opened + t.failed >= t.total, 300_000, `${tokens.length} sockets`);
    const firstQuiet = await untilQuiet(processes, { maxMs: 300_000 });
    log(`${clients.totals().opened} sockets open; quiet after ${firstQuiet.toFixed(1)} s`);

    probe = await startProbe(stack, probeChat, mint);
    await sleep(1_000);
    const baselineFrom = performance.now();
    await sleep(BASELINE_SECONDS * 1000);
    const baseline = probe.between(baselineFrom, performance.now());
    log(`probe on the quiet stack: p50 ${baseline.p50.toFixed(1)} ms, p99 ${baseline.p99.toFixed(1)} ms`);

    // The storm: every socket drops (the clients exit), and all come back at once.
    const meter = cpuMeter(processes);
    const cpuStart = meter.read();
    const storeStart = await readStoreCommands(stack, ['groups', 'users']);
    const stormFrom = performance.now();
    await clients.stop();
    clients = open();
    await clients.waitFor((t) => t.opened + t.failed >= t.total, 300_000, `${tokens.length} sockets again`);
    const reopened = (performance.now() - stormFrom) / 1000;
    const failed = clients.totals().failed;
    await untilQuiet(processes, { maxMs: 300_000, busyPercent: 25 });
    // untilQuiet ends after a quiet 2 s window: the storm was over at that window's start.
    const quietAfter = (performance.now() - stormFrom) / 1000 - 2;
    const stormTo = stormFrom + quietAfter * 1000;
    const usage = meter.between(cpuStart, meter.read());
    const store = storeCommandsBetween(storeStart, await readStoreCommands(stack, ['groups', 'users']));
    await sleep(1_000);
    const during = probe.between(stormFrom, stormTo);
    log(
      `storm: all ${tokens.length} back in ${reopened.toFixed(1)} s, quiet after ${quietAfter.toFixed(1)} s; probe p99 ${during.p99.toFixed(1)} ms`,
    );

    const busiest = Object.entries(usage).sort((a, b) => b[1] - a[1])[0] ?? ['?', NaN];
    report({
      scenario: 'reconnect-storm',
      setup:
        `${tokens.length} users (accounts seeded into messenger_users), in groups of ${GROUP} (inserted into messenger_groups and registered in Redis with the groups service's own classes), ` +
        `each with one WebSocket from the Go lean client (several processes, pinned apart from the stack). Every socket then drops at once (the client processes exit) and all reconnect at once. ` +
        `Each socket open and close is a presence change for the user's contacts: the users service gathers changes over PRESENCE_ANNOUNCE_WINDOW_MS (100 ms) and asks the groups service for the contacts of up to 25 users per question (answered from Redis); an offline is told only if the user is still away after PRESENCE_OFFLINE_GRACE_MS (3 s). ` +
        `A probe (two members of a chat of their own, not among the storm's sockets) sends a message every ${PROBE_MS} ms and times its arrival on the other's socket: ${BASELINE_SECONDS} s on the quiet stack first, then through the storm. ` +
        `"Quiet" is the stack's processes together under 25 % of a core over 2 s. The first ${tokens.length} opens took the stack ${firstQuiet.toFixed(1)} s to quiet.`,
      rows: [
        {
          phase: 'quiet stack (baseline)',
          'sockets back in s': '',
          'quiet after s': '',
          'probe p50 ms': baseline.p50,
          'probe p99 ms': baseline.p99,
          'probe max ms': baseline.max,
          'probe lost': baseline.sent - baseline.received,
          'p99 ÷ baseline p99': 1,
          'store commands': '',
          'CPU % of a core': '',
        },
        {
          phase: `storm of ${tokens.length} reconnects`,
          'sockets back in s': reopened,
          'quiet after s': quietAfter,
          'probe p50 ms': during.p50,
          'probe p99 ms': during.p99,
          'probe max ms': during.max,
          'probe lost': during.sent - during.received,
          'p99 ÷ baseline p99': during.p99 / baseline.p99,
          'store commands':
            Object.entries(store)
              .map(([command, n]) => `${command} ${n}`)
              .join(', ') || 'none',
          'CPU % of a core': cpuCell(usage),
        },
      ],
      goals: [
        {
          goal: `a storm of ${tokens.length.toLocaleString('en-US')} reconnects quiet within ${GOAL_QUIET_S} s`,
          met: quietAfter <= GOAL_QUIET_S && failed === 0,
          detail: `quiet after ${quietAfter.toFixed(1)} s (every socket back after ${reopened.toFixed(1)} s, ${failed} failed); over the storm the busiest process was ${busiest[0]} at ${Number(busiest[1]).toFixed(0)} % of a core; messages meanwhile: p99 ${during.p99.toFixed(0)} ms (${(during.p99 / baseline.p99).toFixed(1)}× the quiet stack's), ${during.sent - during.received} of ${during.sent} not delivered.`,
        },
      ],
      notes: [
        `Store commands over the storm are the groups and users services' own count: last-seen times reach the store off the request path as batched inserts (last_seen), nothing on a socket's open or close waits for the store.`,
      ],
    });
  } finally {
    probe?.stop();
    await clients?.stop();
    await stack.stop();
  }
};

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`[reconnect-storm] ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
