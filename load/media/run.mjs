// Media load: LiveKit alone (no product services), pinned to core 0; Go bots (load/media/bot: LiveKit's Go
// SDK signalling and pion, receive-only counting and pre-made Opus/VP8 frames, as `lk load-test` does) in
// a few processes pinned to core 1. An audio room and a video room, measured one after the other:
// forwarded packets per second from the subscribers' receive counts (cross-checked against LiveKit's own
// Prometheus counters), divided by the CPU time the SFU used in the same window, gives forwarded
// packets/s per SFU core. Loss and jitter from the subscribers.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { cpuMicros, percentile, pin, sleep } from '../lib/proc.mjs';
import { report, SMOKE } from '../lib/results.mjs';
import { buildServer } from '../lib/stack.mjs';
import { buildMediaBot, startBotProcess } from './bot/driver.mjs';

const GOAL_PPS_PER_CORE = 50_000;
/** Below this share of its core the SFU's fixed per-participant work weighs on "per core": the run says so. */
const GOAL_SFU_LOAD = 0.7;
const env = (name, fallback) => Number(process.env[name] ?? fallback);

// Who is in each room. Publishers count toward the room; the first `subscribers` participants (publishers
// first) receive every other published track, the rest are connected listeners that subscribe to nothing.
// The defaults load the SFU's core to ~75-85 % on this 2-core machine kind with the bots' core just below
// saturation (a bot core receives ~55 000 audio or ~65 000 video packets/s; the SFU's core forwards more, so
// the bots set the ceiling; see RESULTS.md). Audio: 10 open microphones in a call of 100; video: 17 cameras in
// a call of 25; everyone receives everything.
const ROOMS = SMOKE
  ? [
      { name: 'audio', kind: 'audio', participants: 4, publishers: 2, subscribers: 4 },
      { name: 'video', kind: 'video', participants: 3, publishers: 2, subscribers: 3 },
    ]
  : [
      {
        name: 'audio',
        kind: 'audio',
        participants: env('MEDIA_AUDIO_PARTICIPANTS', 100),
        publishers: env('MEDIA_AUDIO_PUBLISHERS', 10),
        subscribers: env('MEDIA_AUDIO_SUBSCRIBERS', 100),
      },
      {
        name: 'video',
        kind: 'video',
        participants: env('MEDIA_VIDEO_PARTICIPANTS', 25),
        publishers: env('MEDIA_VIDEO_PUBLISHERS', 17),
        subscribers: env('MEDIA_VIDEO_SUBSCRIBERS', 25),
      },
    ].filter((r) => !process.env.MEDIA_ROOMS || process.env.MEDIA_ROOMS.split(',').includes(r.name));
const VIDEO = {
  width: env('MEDIA_VIDEO_WIDTH', 640),
  height: env('MEDIA_VIDEO_HEIGHT', 360),
  fps: env('MEDIA_VIDEO_FPS', 30),
  bitrate: env('MEDIA_VIDEO_BITRATE', 1_200_000),
};
const AUDIO = { bitrate: env('MEDIA_AUDIO_BITRATE', 32_000) };
const BOT_PROCESSES = SMOKE ? 1 : env('MEDIA_BOT_PROCESSES', 2);
const WARMUP_MS = SMOKE ? 2_000 : env('MEDIA_WARMUP_MS', 8_000);
// LiveKit updates its per-track packet counters every 5 s: a window shorter than that may see none.
const WINDOW_MS = SMOKE ? 6_000 : env('MEDIA_WINDOW_MS', 20_000);
const IDLE_WINDOW_MS = SMOKE ? 2_000 : env('MEDIA_IDLE_WINDOW_MS', 10_000);
const QUIET_MS = SMOKE ? 1_000 : env('MEDIA_QUIET_MS', 5_000);
const QUIET_OTHER_CORES = env('MEDIA_QUIET_OTHER_CORES', 0.3);
const QUIET_MAX_MS = SMOKE ? 0 : env('MEDIA_QUIET_MAX_MS', 180_000);
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

/** The kernel's UDP counters (this network namespace): datagrams in and out, and those dropped for a full receive buffer. */
const udpCounters = () => {
  const [names, values] = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('Udp: '))
    .map((line) => line.split(/\s+/).slice(1));
  const get = (name) => Number(values[names.indexOf(name)]);
  return { in: get('InDatagrams'), out: get('OutDatagrams'), rcvbufErrors: get('RcvbufErrors') };
};

/** CPU time the whole machine has been busy (every core, all processes), in microseconds, from /proc/stat. */
const machineBusyMicros = () => {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
  const busy = fields.slice(0, 8).reduce((s, v, i) => (i === 3 || i === 4 ? s : s + v), 0);
  return (busy * 1_000_000) / 100;
};

const token = async (sfu, room, identity, canPublish) => {
  const at = new AccessToken(sfu.apiKey, sfu.apiSecret, { identity, ttl: '1h' });
  at.addGrant({ roomJoin: true, room, canPublish, canSubscribe: true, canPublishData: false });
  return at.toJwt();
};

/** CPU used so far by the SFU, the bots, this script and the whole machine (µs), at one instant. */
const cpuNow = (sfu, groups) => ({
  at: performance.now(),
  cpu: cpuMicros(sfu.proc.pid),
  botCpu: groups.reduce((sum, g) => sum + cpuMicros(g.pid), 0),
  runCpu: cpuMicros(process.pid),
  machine: machineBusyMicros(),
});

/** Cores used between two cpuNow()s: the SFU, the bots, and everything else (other people's work; not this script). */
const coresBetween = (first, last) => {
  const wallS = (last.at - first.at) / 1000;
  const cores = (key) => (last[key] - first[key]) / 1e6 / wallS;
  return {
    wallS,
    sfuCores: cores('cpu'),
    botCores: cores('botCpu'),
    otherCores: Math.max(0, cores('machine') - cores('cpu') - cores('botCpu') - cores('runCpu')),
  };
};

/**
 * Waits, at most QUIET_MAX_MS, for a 2 s stretch in which the machine's other work stays under QUIET_OTHER_CORES:
 * the SFU shares its core with whatever else runs here, and starved of it, it drops packets (see RESULTS.md).
 */
const untilQuiet = async (sfu, groups) => {
  const started = performance.now();
  let other = NaN;
  do {
    const first = cpuNow(sfu, groups);
    await sleep(2_000);
    other = coresBetween(first, cpuNow(sfu, groups)).otherCores;
  } while (other > QUIET_OTHER_CORES && performance.now() - started < QUIET_MAX_MS);
  return { other, waitedS: (performance.now() - started) / 1000 };
};

const sample = async (sfu, groups) => {
  const cpu = cpuNow(sfu, groups);
  const udp = udpCounters();
  const [prom, ...replies] = await Promise.all([
    promPackets(sfu.promUrl),
    ...groups.map((g) => g.request({ type: 'stats' }, 'stats', 60_000)),
  ]);
  return { ...cpu, udp, prom, rooms: new Map(replies.flatMap((r) => r.rooms).map((r) => [r.identity, r])) };
};

/** What the subscribers received between two samples: packets/s, loss, jitter, video frames/s, streams that flowed. */
const received = (first, last, kind) => {
  const out = { pps: 0, packets: 0, lost: 0, framesPerS: 0, jitters: [] };
  for (const [identity, b] of last.rooms) {
    const a = first.rooms.get(identity);
    if (!a?.[kind] || !b[kind] || !(b.at > a.at)) continue;
    const dt = (b.at - a.at) / 1000;
    const packets = b[kind].packets - a[kind].packets;
    out.pps += packets / dt;
    out.packets += packets;
    out.lost += Math.max(0, b[kind].lost - a[kind].lost);
    out.framesPerS += (b[kind].frames - a[kind].frames) / dt;
    out.jitters.push(...b[kind].jitters);
  }
  out.jitters.sort((x, y) => x - y);
  return out;
};

/** SFU, bot and other processes' CPU (in cores), LiveKit's packet counters and the kernel's UDP counters (per second) between two samples. */
const usage = (first, last) => {
  const { wallS, ...cores } = coresBetween(first, last);
  const rate = (a, b) => (b - a) / wallS;
  return {
    wallS,
    ...cores,
    promOut: rate(first.prom.outgoing, last.prom.outgoing),
    promIn: rate(first.prom.incoming, last.prom.incoming),
    promRetransmit: rate(first.prom.retransmit, last.prom.retransmit),
    udpIn: rate(first.udp.in, last.udp.in),
    udpRcvbufErrors: rate(first.udp.rcvbufErrors, last.udp.rcvbufErrors),
  };
};

const runRoom = async (sfu, rooms, spec) => {
  const roomName = `load-${spec.name}-${Date.now()}`;
  await rooms.createRoom({ name: roomName, emptyTimeout: 30, departureTimeout: 5, maxParticipants: spec.participants + 5 });
  // Publishers first: the first `subscribers` participants (publishers included) subscribe to every other
  // published track; the rest are connected and subscribe to nothing. Each bot publishes at most one track.
  const specs = [];
  for (let i = 0; i < spec.participants; i++) {
    const publish = i < spec.publishers ? spec.kind : '';
    const identity = `${spec.name}-${String(i).padStart(3, '0')}`;
    specs.push({ identity, publish, subscribe: i < spec.subscribers, token: await token(sfu, roomName, identity, publish !== '') });
  }
  const expectedTracks = specs.filter((s) => s.subscribe).reduce((n, s) => n + spec.publishers - (s.publish ? 1 : 0), 0);
  const groups = Array.from({ length: Math.min(BOT_PROCESSES, specs.length) }, () => startBotProcess({ cores: LOAD_CORE }));
  const notes = [];
  const all = (message, reply) => Promise.all(groups.map((g) => g.request(message, reply, 60_000)));
  const inboundStreams = async () =>
    (await all({ type: 'stats' }, 'stats')).flatMap((r) => r.rooms).reduce((n, r) => n + (r[spec.kind]?.streams ?? 0), 0);
  try {
    const connectStart = performance.now();
    const readies = await Promise.all(
      groups.map((g, n) =>
        g.request(
          { type: 'start', url: sfu.url, media: { video: VIDEO, audio: AUDIO }, bots: specs.filter((_, i) => i % groups.length === n) },
          'ready',
        ),
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
    const quiet = await untilQuiet(sfu, groups);
    if (quiet.other > QUIET_OTHER_CORES)
      notes.push(
        `${spec.name}: the machine's other work did not fall under ${QUIET_OTHER_CORES} cores within ${QUIET_MAX_MS / 1000} s (last ${quiet.other.toFixed(2)}); measured anyway.`,
      );

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
    const lossPct = got.packets + got.lost > 0 ? (100 * got.lost) / (got.packets + got.lost) : NaN;
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
        'UDP in/s (kernel)': Math.round(busy.udpIn),
        'UDP buffer drops/s': Math.round(busy.udpRcvbufErrors),
        'SFU CPU (cores)': busy.sfuCores,
        'fwd pkt/s per SFU core': Math.round(perCore),
        'vs goal 50 000': perCore / GOAL_PPS_PER_CORE,
        'SFU CPU, subscriptions off': idle.sfuCores,
        'marginal fwd pkt/s per core': Math.round(marginal),
        'bot CPU (cores)': busy.botCores,
        'other CPU (cores)': busy.otherCores,
        'waited for quiet s': quiet.waitedS,
        'loss %': lossPct,
        'jitter ms mean': got.jitters.length ? got.jitters.reduce((s, j) => s + j, 0) / got.jitters.length : NaN,
        'jitter ms p95': percentile(got.jitters, 95),
        'video frames/s (received)': spec.kind === 'video' ? Math.round(got.framesPerS) : '-',
      },
      perCore,
      marginal,
      busy,
      idle,
      lossPct,
      pps: got.pps,
      notes,
    };
  } finally {
    await Promise.all(groups.map((g) => g.stop()));
    await rooms.deleteRoom(roomName).catch(() => undefined);
  }
};

const pct = (cores) => `${(cores * 100).toFixed(0)} %`;

/** What limits a room's figure, from its own window: the SFU's core, the bots' core, other work, and where packets were lost. */
const limits = (r) => {
  const { sfuCores, botCores, otherCores, udpRcvbufErrors } = r.busy;
  const parts = [];
  if (sfuCores >= 0.9) parts.push(`the SFU's core (${pct(sfuCores)} busy): the figure is the SFU's own`);
  else if (botCores >= 0.9) parts.push(`the bots' core (${pct(botCores)} busy) while the SFU's was at ${pct(sfuCores)}`);
  else parts.push(`neither core was saturated (SFU ${pct(sfuCores)}, bots ${pct(botCores)})`);
  if (otherCores >= 0.15) parts.push(`other work on the machine took ${otherCores.toFixed(2)} cores meanwhile`);
  if (r.lossPct > 1) {
    const dropped = Math.round(udpRcvbufErrors).toLocaleString('en-US');
    parts.push(
      udpRcvbufErrors > 0.01 * r.pps
        ? `loss ${r.lossPct.toFixed(1)} %, with ${dropped} datagrams/s dropped by the kernel for full receive buffers`
        : `loss ${r.lossPct.toFixed(1)} % though the kernel dropped ${dropped} datagrams/s: the SFU never sent the rest (gaps in its ` +
            `outgoing sequence numbers), which it does when it falls behind; "out pkt/s (LiveKit)" counts the sequence range and so includes them`,
    );
  }
  return `${r.row.room}: ${parts.join('; ')}`;
};

const main = async () => {
  buildServer();
  buildMediaBot();
  const dataDir = mkdtempSync(join(tmpdir(), 'load-media-'));
  const sfu = await startSfu(dataDir);
  try {
    pin(sfu.proc.pid, SFU_CORE);
    pin(process.pid, LOAD_CORE);
    const rooms = new RoomServiceClient(sfu.httpUrl, sfu.apiKey, sfu.apiSecret);
    // The quiet machine: what else runs here while the SFU is idle (the noise every window carries).
    const quietFirst = cpuNow(sfu, []);
    await sleep(QUIET_MS);
    const { sfuCores: quietSfu, otherCores: quietOther } = coresBetween(quietFirst, cpuNow(sfu, []));
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
    const loaded = results.every((r) => r.busy.sfuCores >= GOAL_SFU_LOAD);
    const [audio, video] = [ROOMS.find((r) => r.kind === 'audio'), ROOMS.find((r) => r.kind === 'video')];
    report({
      scenario: 'media',
      setup:
        `LiveKit v1.13.5 alone on 127.0.0.1 (UDP mux, loopback candidate only), pinned to core ${SFU_CORE}; Go bots (load/media/bot: ` +
        `LiveKit's Go SDK signalling, pion peer connections with the SDK's codecs and interceptors and ICE on 127.0.0.1 only) in ` +
        `${BOT_PROCESSES} process(es) of GOMAXPROCS=1 pinned to core ${LOAD_CORE}, with run.mjs. Rooms measured one after the other: ` +
        (audio
          ? `audio ${audio.participants} participants (${audio.publishers} publishing, the first ${audio.subscribers} subscribing); `
          : '') +
        (video ? `video ${video.participants} (${video.publishers} publishing, the first ${video.subscribers} subscribing). ` : '') +
        `Publishers send pre-made frames, nothing is encoded: audio a 20 ms Opus frame every 20 ms (${AUDIO.bitrate / 1000} kbps, audio level ` +
        `"speaking", DTX off); video ${VIDEO.width}×${VIDEO.height} @ ${VIDEO.fps} fps VP8 (real frame headers, noise bodies, ${VIDEO.bitrate / 1000} kbps, ` +
        `no simulcast, a key frame every 4 s and on request). Subscribers auto-subscribe to every other published track and ` +
        `read its RTP packets off the track without depacketizing or decoding them, counting packets, sequence gaps (loss), RTP ` +
        `jitter and marker bits (frames); the remaining participants are connected but subscribe to nothing. Each bot socket has a ` +
        `4 MB receive buffer. After joining, ${WARMUP_MS / 1000} s warm-up and a wait (at most ${QUIET_MAX_MS / 1000} s) for 2 s in which ` +
        `the machine's other work stays under ${QUIET_OTHER_CORES} cores, a ${WINDOW_MS / 1000} s window: forwarded packets/s = Σ ` +
        `subscribers' received RTP packets, SFU CPU = utime+stime of livekit-server from /proc (on loopback it includes the ` +
        `kernel's delivery of each packet to the receiving socket); per core = forwarded packets/s ÷ SFU cores used. Cross-checks: ` +
        `LiveKit's Prometheus livekit_packet_total (updated per track every 5 s, so ±; it counts each stream's sequence-number ` +
        `range, lost packets included) and the kernel's UDP datagrams received (/proc/net/snmp: forwarded + published + RTCP) ` +
        `with those it dropped for a full receive buffer. Then every subscription is turned off for ` +
        `${IDLE_WINDOW_MS / 1000} s (everyone stays connected, publishers keep sending): marginal = forwarded pkt/s ÷ (SFU CPU ` +
        `on − off). "other CPU" = the machine's busy time (/proc/stat) minus the SFU, the bots and run.mjs: other people's ` +
        `work on this shared machine; before the rooms, with the SFU idle, it was ${quietOther.toFixed(2)} cores over ` +
        `${QUIET_MS / 1000} s (SFU idle: ${(quietSfu * 100).toFixed(1)} % of its core). Baseline: the goal, ` +
        `${GOAL_PPS_PER_CORE.toLocaleString('en-US')} pkt/s per core.`,
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
                  `${(r.busy.sfuCores * 100).toFixed(1)} % of the SFU core, bots at ${(r.busy.botCores * 100).toFixed(0)} % of theirs, loss ` +
                  `${r.lossPct.toFixed(2)} %; marginal ${Math.round(r.marginal).toLocaleString('en-US')} pkt/s per core)`,
              )
              .join('; ') + `.${met ? '' : ` Best: ${best.row.room}.`}`,
        },
        {
          goal: `the SFU loaded to ≥ ${GOAL_SFU_LOAD * 100} % of its core in every room`,
          met: loaded,
          detail: results.map((r) => `${r.row.room}: ${(r.busy.sfuCores * 100).toFixed(1)} %`).join('; ') + '.',
        },
      ],
      notes: [...results.flatMap((r) => r.notes), `What limits the figures: ${results.map(limits).join('. ')}.`],
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
