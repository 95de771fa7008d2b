// Media load: LiveKit alone (no product services), pinned to core 0; @livekit/rtc-node bots in a few
// child processes pinned to core 1. An audio room filled to 100 participants and a video room filled
// to 25, measured one after the other: forwarded packets per second from the subscribers' receive
// statistics (cross-checked against LiveKit's own Prometheus counters), divided by the CPU time the SFU
// used in the same window, gives forwarded packets/s per SFU core. Loss and jitter from the subscribers.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { cpuMicros, percentile, pin, sleep } from '../lib/proc.mjs';
import { report, SMOKE } from '../lib/results.mjs';
import { buildServer } from '../lib/stack.mjs';

const GOAL_PPS_PER_CORE = 50_000;
const env = (name, fallback) => Number(process.env[name] ?? fallback);

// Who is in each room. Publishers count toward the room; the first `subscribers` participants (publishers
// first) receive every other published track, the rest are connected listeners that subscribe to nothing.
// The counts are what one bot core carries without saturating (measured here with @livekit/rtc-node 1.1):
// ~0.5 % of a core per connected idle bot in a 100-person room, ~3 % per Opus publisher, ~5 % per
// 320×180 VP8 publisher, ~1 % per received stream (every received stream is decoded). A saturated bot
// core stops answering getRtcStats and joins time out, so the figures would be lost, not larger.
const ROOMS = SMOKE
  ? [
      { name: 'audio', kind: 'audio', participants: 3, publishers: 2, subscribers: 3 },
      { name: 'video', kind: 'video', participants: 2, publishers: 2, subscribers: 2 },
    ]
  : [
      {
        name: 'audio',
        kind: 'audio',
        participants: env('MEDIA_AUDIO_PARTICIPANTS', 100),
        publishers: env('MEDIA_AUDIO_PUBLISHERS', 3),
        subscribers: env('MEDIA_AUDIO_SUBSCRIBERS', 6),
      },
      {
        name: 'video',
        kind: 'video',
        participants: env('MEDIA_VIDEO_PARTICIPANTS', 25),
        publishers: env('MEDIA_VIDEO_PUBLISHERS', 4),
        subscribers: env('MEDIA_VIDEO_SUBSCRIBERS', 14),
      },
    ].filter((r) => !process.env.MEDIA_ROOMS || process.env.MEDIA_ROOMS.split(',').includes(r.name));
const VIDEO = { width: 320, height: 180, fps: 15, bitrate: env('MEDIA_VIDEO_BITRATE', 600_000) };
const BOT_PROCESSES = SMOKE ? 1 : env('MEDIA_BOT_PROCESSES', 10);
const WARMUP_MS = SMOKE ? 2_000 : env('MEDIA_WARMUP_MS', 8_000);
const WINDOW_MS = SMOKE ? 3_000 : env('MEDIA_WINDOW_MS', 20_000);
const IDLE_WINDOW_MS = SMOKE ? 2_000 : env('MEDIA_IDLE_WINDOW_MS', 10_000);
const SFU_CORE = '0';
const LOAD_CORE = '1';

const startSfu = async (dataDir) => {
  // LiveKit as startLiveKit runs it (its loopback-pinned YAML, from liveKitConfig), plus its Prometheus
  // endpoint, which startLiveKit has no option for. LiveKit binds that endpoint to bind_addresses
  // (127.0.0.1) like its HTTP port.
  const { freePort, liveKitConfig, readyOrExit, spawnManaged, toolPath, waitFor } = await import('@messenger/kit/servers');
  const [port, udpPort, promPort] = [await freePort(), await freePort(), await freePort()];
  const apiKey = 'loadkey';
  const apiSecret = 'load-media-secret-0123456789abcdefghijkl';
  const configPath = join(dataDir, 'livekit.yaml');
  writeFileSync(configPath, `${liveKitConfig({ port, udpPort, apiKey, apiSecret })}prometheus:\n  port: ${promPort}\n`);
  const proc = spawnManaged('livekit-server', toolPath('livekit-server'), ['--config', configPath], {
    log: (line) => (/\b(ERROR|FATAL|panic)\b/.test(line) ? process.stderr.write(`[livekit] ${line}\n`) : undefined),
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  await readyOrExit(
    proc,
    waitFor(async () => (await fetch(httpUrl, { signal: AbortSignal.timeout(500) })).ok, {
      timeoutMs: 30_000,
      what: 'livekit-server',
      intervalMs: 100,
      detail: () => proc.recentOutput(),
    }),
  );
  return { url: `ws://127.0.0.1:${port}`, httpUrl, promUrl: `http://127.0.0.1:${promPort}/metrics`, apiKey, apiSecret, proc };
};

/** LiveKit's packet counters: RTP packets in (from publishers) and out (to subscribers), initial and retransmitted. */
const promPackets = async (promUrl) => {
  const text = await (await fetch(promUrl)).text();
  const sums = { incoming: 0, outgoing: 0, retransmit: 0 };
  for (const line of text.split('\n')) {
    if (!line.startsWith('livekit_packet_total{')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.includes('transmission="retransmit"')) sums.retransmit += value;
    else if (line.includes('direction="incoming"')) sums.incoming += value;
    else if (line.includes('direction="outgoing"')) sums.outgoing += value;
  }
  return sums;
};

/** A bot process on the load core; `request` sends a message and resolves with the next reply of a type. */
const startBots = () => {
  const child = fork(join(import.meta.dirname, 'bots.mjs'), [], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  pin(child.pid, LOAD_CORE);
  const waiting = new Map();
  child.on('message', (message) => {
    if (message.type === 'error') console.error(`[bots ${child.pid}] ${message.error}`);
    waiting.get(message.type)?.(message);
    waiting.delete(message.type);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const request = (message, reply, timeoutMs = 180_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bots ${child.pid}: no ${reply} within ${timeoutMs} ms`)), timeoutMs);
      waiting.set(reply, (m) => (clearTimeout(timer), resolve(m)));
      child.send(message);
      exited.then((code) => (clearTimeout(timer), reject(new Error(`bots ${child.pid} exited (${code}) waiting for ${reply}`))));
    });
  const stop = async () => {
    if (child.exitCode !== null) return;
    await Promise.race([request({ type: 'stop' }, 'stopped', 20_000).catch(() => undefined), exited]);
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return { pid: child.pid, request, stop };
};

const token = async (sfu, room, identity, canPublish) => {
  const at = new AccessToken(sfu.apiKey, sfu.apiSecret, { identity, ttl: '1h' });
  at.addGrant({ roomJoin: true, room, canPublish, canSubscribe: true, canPublishData: false });
  return at.toJwt();
};

const sample = async (sfu, groups) => {
  const cpu = cpuMicros(sfu.proc.pid);
  const botCpu = groups.reduce((sum, g) => sum + cpuMicros(g.pid), 0);
  const at = performance.now();
  const [prom, ...replies] = await Promise.all([
    promPackets(sfu.promUrl),
    ...groups.map((g) => g.request({ type: 'stats' }, 'stats', 60_000)),
  ]);
  return { at, cpu, botCpu, prom, rooms: new Map(replies.flatMap((r) => r.rooms).map((r) => [r.identity, r])) };
};

/** What the subscribers received between two samples: packets/s, loss, jitter, decoded frames/s, streams that flowed. */
const received = (first, last, kind) => {
  const out = { pps: 0, packets: 0, lost: 0, framesPerS: 0, streams: 0, jitters: [] };
  for (const [identity, b] of last.rooms) {
    const a = first.rooms.get(identity);
    if (!a?.[kind] || !b[kind] || !(b.at > a.at)) continue;
    const dt = (b.at - a.at) / 1000;
    const packets = b[kind].packets - a[kind].packets;
    out.pps += packets / dt;
    out.packets += packets;
    out.lost += Math.max(0, b[kind].lost - a[kind].lost);
    out.framesPerS += (b[kind].framesDecoded - a[kind].framesDecoded) / dt;
    out.jitters.push(...b[kind].jitters);
  }
  out.jitters.sort((x, y) => x - y);
  return out;
};

/** SFU and bot CPU (in cores) and LiveKit's packet counters (per second) between two samples. */
const usage = (first, last) => {
  const wallS = (last.at - first.at) / 1000;
  return {
    wallS,
    sfuCores: (last.cpu - first.cpu) / 1e6 / wallS,
    botCores: (last.botCpu - first.botCpu) / 1e6 / wallS,
    promOut: (last.prom.outgoing - first.prom.outgoing) / wallS,
    promIn: (last.prom.incoming - first.prom.incoming) / wallS,
  };
};

const runRoom = async (sfu, rooms, spec) => {
  const roomName = `load-${spec.name}-${Date.now()}`;
  await rooms.createRoom({ name: roomName, emptyTimeout: 30, departureTimeout: 5, maxParticipants: spec.participants + 5 });
  // Publishers first: the first `subscribers` participants (publishers included) subscribe to every other
  // published track; the rest are connected and subscribe to nothing. Each bot publishes at most one track.
  const specs = [];
  for (let i = 0; i < spec.participants; i++) {
    const publish = i < spec.publishers ? spec.kind : null;
    const identity = `${spec.name}-${String(i).padStart(3, '0')}`;
    specs.push({ identity, publish, subscribe: i < spec.subscribers, token: await token(sfu, roomName, identity, publish !== null) });
  }
  const expectedTracks = specs.filter((s) => s.subscribe).reduce((n, s) => n + spec.publishers - (s.publish ? 1 : 0), 0);
  const groups = Array.from({ length: Math.min(BOT_PROCESSES, specs.length) }, startBots);
  const notes = [];
  const all = (message, reply) => Promise.all(groups.map((g) => g.request(message, reply, 60_000)));
  const inboundStreams = async () =>
    (await all({ type: 'stats' }, 'stats')).flatMap((r) => r.rooms).reduce((n, r) => n + (r[spec.kind]?.streams ?? 0), 0);
  try {
    const connectStart = performance.now();
    const readies = await Promise.all(
      groups.map((g, n) =>
        g.request({ type: 'start', url: sfu.url, video: VIDEO, bots: specs.filter((_, i) => i % groups.length === n) }, 'ready'),
      ),
    );
    const connectMs = performance.now() - connectStart;
    const connected = readies.reduce((s, r) => s + r.connected, 0);
    const failed = readies.flatMap((r) => r.errors);
    if (failed.length) notes.push(`${spec.name}: ${failed.length} bot(s) failed to join, e.g. ${failed[0]}`);

    // Every subscriber should come to receive every other publisher's track.
    let streams = 0;
    for (const until = performance.now() + 30_000; performance.now() < until && streams < expectedTracks; await sleep(1_000))
      streams = await inboundStreams();
    if (streams < expectedTracks) notes.push(`${spec.name}: only ${streams} of ${expectedTracks} subscriptions had started after 30 s.`);
    await sleep(WARMUP_MS);

    // Window 1: forwarding. Window 2: every subscription off (publishers still send, everyone stays
    // connected), so the SFU's cost of the forwarding alone is the difference between the two.
    const first = await sample(sfu, groups);
    await sleep(WINDOW_MS);
    const last = await sample(sfu, groups);
    await all({ type: 'subscribe', on: false }, 'subscribed');
    await sleep(SMOKE ? 1_000 : 4_000);
    const idleFirst = await sample(sfu, groups);
    await sleep(IDLE_WINDOW_MS);
    const idleLast = await sample(sfu, groups);

    const got = received(first, last, spec.kind);
    const busy = usage(first, last);
    const idle = usage(idleFirst, idleLast);
    const idleGot = received(idleFirst, idleLast, spec.kind);
    const perCore = busy.sfuCores > 0 ? got.pps / busy.sfuCores : NaN;
    const marginal = busy.sfuCores > idle.sfuCores ? (got.pps - idleGot.pps) / (busy.sfuCores - idle.sfuCores) : NaN;
    return {
      row: {
        room: spec.name,
        'participants connected': `${connected}/${spec.participants}`,
        publishers: spec.publishers,
        subscribers: specs.filter((s) => s.subscribe).length,
        'forwarded tracks': `${streams}/${expectedTracks}`,
        'join s': connectMs / 1000,
        'fwd pkt/s (subscribers)': Math.round(got.pps),
        'out pkt/s (LiveKit)': Math.round(busy.promOut),
        'in pkt/s (LiveKit)': Math.round(busy.promIn),
        'SFU CPU (cores)': busy.sfuCores,
        'fwd pkt/s per SFU core': Math.round(perCore),
        'vs goal 50 000': perCore / GOAL_PPS_PER_CORE,
        'SFU CPU, subscriptions off': idle.sfuCores,
        'marginal fwd pkt/s per core': Math.round(marginal),
        'bot CPU (cores)': busy.botCores,
        'loss %': got.packets + got.lost > 0 ? (100 * got.lost) / (got.packets + got.lost) : NaN,
        'jitter ms mean': got.jitters.length ? got.jitters.reduce((s, j) => s + j, 0) / got.jitters.length : NaN,
        'jitter ms p95': percentile(got.jitters, 95),
        'frames decoded/s': spec.kind === 'video' ? Math.round(got.framesPerS) : '-',
      },
      perCore,
      marginal,
      busy,
      idle,
      pps: got.pps,
      notes,
    };
  } finally {
    await Promise.all(groups.map((g) => g.stop()));
    await rooms.deleteRoom(roomName).catch(() => undefined);
  }
};

const main = async () => {
  buildServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'load-media-'));
  const sfu = await startSfu(dataDir);
  try {
    pin(sfu.proc.pid, SFU_CORE);
    pin(process.pid, LOAD_CORE);
    const rooms = new RoomServiceClient(sfu.httpUrl, sfu.apiKey, sfu.apiSecret);
    const results = [];
    for (const spec of ROOMS) {
      console.log(
        `media: ${spec.name} room, ${spec.participants} participants (${spec.publishers} publishing, ${spec.subscribers} subscribing)…`,
      );
      results.push(await runRoom(sfu, rooms, spec));
      await sleep(SMOKE ? 500 : 3_000);
    }
    const best = results.reduce((a, b) => (b.perCore > a.perCore ? b : a));
    const met = results.every((r) => r.perCore >= GOAL_PPS_PER_CORE);
    report({
      scenario: 'media',
      setup:
        `LiveKit v1.13.5 alone on 127.0.0.1 (UDP mux, loopback candidate only), pinned to core ${SFU_CORE}; @livekit/rtc-node bots in ` +
        `${BOT_PROCESSES} child process(es) pinned to core ${LOAD_CORE}. Rooms measured one after the other: audio ${ROOMS[0]?.participants ?? 0} participants (` +
        `${ROOMS[0]?.publishers ?? 0} publishing, the first ${ROOMS[0]?.subscribers ?? 0} subscribing), video ${ROOMS[1]?.participants ?? 0} (${ROOMS[1]?.publishers ?? 0} publishing, ` +
        `the first ${ROOMS[1]?.subscribers ?? 0} subscribing): the subset one bot core can receive. Audio bots publish a 400 Hz ` +
        `tone (Opus, no DTX, ~50 pkt/s); video bots publish ${VIDEO.width}×${VIDEO.height} @ ${VIDEO.fps} fps VP8 noise, no simulcast, ` +
        `max ${VIDEO.bitrate / 1000} kbps. Publishers count toward the room and subscribe too; subscribers auto-subscribe to every ` +
        `other published track; the remaining participants are connected but subscribe to nothing. After joining and ${WARMUP_MS / 1000} s warm-up, a ` +
        `${WINDOW_MS / 1000} s window: forwarded packets/s = Σ subscribers' inbound RTP packets (rtc-node getRtcStats), SFU CPU = ` +
        `utime+stime of livekit-server from /proc; per core = forwarded packets/s ÷ SFU cores used. LiveKit's Prometheus ` +
        `livekit_packet_total (updated per track every 5 s, so ±) is shown beside it. Then every subscription is turned off ` +
        `for ${IDLE_WINDOW_MS / 1000} s (everyone stays connected, publishers keep sending): marginal = forwarded pkt/s ÷ (SFU CPU ` +
        `on − off). Loss and jitter: subscribers' inbound RTP stats (jitter as RTP jitter at the end of the window). ` +
        `Baseline: the goal, ${GOAL_PPS_PER_CORE.toLocaleString('en-US')} pkt/s per core.`,
      rows: results.map((r) => r.row),
      goals: [
        {
          goal: `media ≥ ${GOAL_PPS_PER_CORE.toLocaleString('en-US')} forwarded packets/s per SFU core`,
          met,
          detail:
            results
              .map(
                (r) =>
                  `${r.row.room}: ${Math.round(r.perCore).toLocaleString('en-US')} pkt/s per core (${Math.round(r.pps).toLocaleString('en-US')} pkt/s at ` +
                  `${(r.busy.sfuCores * 100).toFixed(1)} % of the SFU core, bots at ${(r.busy.botCores * 100).toFixed(0)} % of theirs; ` +
                  `marginal ${Math.round(r.marginal).toLocaleString('en-US')} pkt/s per core)`,
              )
              .join('; ') + `.${met ? '' : ` Best: ${best.row.room}.`}`,
        },
      ],
      notes: [
        ...results.flatMap((r) => r.notes),
        `What limits the figures: the load side, not the SFU. One bot core (rtc-node: libwebrtc decodes every received ` +
          `stream, and every FFI event is dispatched to every Room of the process) carries ~${Math.round(results.reduce((s, r) => s + r.pps, 0)).toLocaleString('en-US')} forwarded pkt/s in total here, ` +
          `while the SFU core stays mostly idle. At such low rates the SFU's fixed per-participant work (${ROOMS[0]?.participants ?? 0} connected ` +
          `participants: signalling, RTCP, connection-quality and speaker updates) dominates its CPU, so "per core" is far below ` +
          `what a loaded SFU does; the "marginal" column (SFU CPU with subscriptions on minus off) isolates the cost of the ` +
          `forwarding itself, but at a few % of a core it is noisy (±0.5 % of a core on a shared 2-core machine).`,
        'To load one SFU core fully: bots on other machines (or lk load-test where it builds), or a receive-only subscriber ' +
          'that does not decode; more cores here would let the SFU be pinned to one and the bots spread over the rest.',
      ],
    });
  } finally {
    await sfu.proc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
