/* global window, document, navigator, MediaStream, RTCPeerConnection */
// Call setup: in headless Chromium with fake devices, the time from B's click on "accept with video" to the
// first decoded frame of A's camera in B's page, through the real web client, the gateway, the calls service
// and LiveKit, all on loopback; 20 calls between the same two people, each ended fully before the next.
// The floor: two RTCPeerConnections in one page of the same browser exchanging offer/answer locally with a
// fake-camera track, from createOffer to the first decoded frame, measured by the same first-frame watch.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { percentile, sleep } from '../lib/proc.mjs';
import { report, ROOT, SMOKE } from '../lib/results.mjs';
import { startLoadStack } from '../lib/stack.mjs';
import { instrument } from './instrument.mjs';

const CALLS = Number(process.env.LOAD_CALLS ?? (SMOKE ? 2 : 20));
/** LOAD_TRACE=1 prints every counted call's timeline (signal messages, offer/answer calls, PC states) as it goes. */
const TRACE = process.env.LOAD_TRACE === '1';
/** LOAD_TRACE_STATS=1 adds B's inbound video stats to the trace (getStats every 10 ms, which itself costs B's main thread). */
const TRACE_STATS = process.env.LOAD_TRACE_STATS === '1';
const FLOOR_RUNS = SMOKE ? 2 : 20;
const GOAL_P50_MS = 300;
const GOAL_FLOOR_RATIO = 2;
const WEB_DIST = join(ROOT, 'web', 'dist', 'web', 'browser');
const VIEWPORT = { width: 1440, height: 900 };

// The flags of e2e/browser.ts (FACTS.md): nothing leaves this machine; fake camera and microphone.
const launchBrowser = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
    ],
  });

/** A person in a browser context of their own, registered through the register screen (as e2e/people.ts does). */
const register = async (browser, base, name) => {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
  await context.addInitScript(instrument);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const username = `cs_${randomBytes(3).toString('hex')}`;
  await page.goto(`${base}/register`);
  await page.waitForSelector('#name');
  await page.fill('#username', username);
  await page.fill('#name', name);
  await page.fill('#password', 'correct horse battery');
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/`);
  await page.waitForSelector('.me__status[data-state="online"]');
  const id = await page.evaluate(async () => {
    const refreshed = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'include' });
    return (await refreshed.json()).user.id;
  });
  return { page, context, errors, username, name, id };
};

/** Calls still live for the person, asked from their page with a fresh token. */
const liveCalls = (person) =>
  person.page.evaluate(async () => {
    const { accessToken } = await (await fetch('/api/auth/refresh', { method: 'POST', credentials: 'include' })).json();
    const response = await fetch('/api/calls/active', { headers: { authorization: `Bearer ${accessToken}` } });
    return ((await response.json()).items ?? []).filter((c) => c.status !== 'ended').length;
  });

/** B's page: the milestones of the last accepted call, in ms after the accept click (null when not seen). */
const milestones = (page, callerId, withTrace = false) =>
  page.evaluate(
    ([caller, withTrace]) => {
      const cs = window.__cs;
      const click = cs.marks['accept-video'];
      const since = (t) => (t && click ? t - click : null);
      const join = performance
        .getEntriesByType('resource')
        .filter((e) => /\/api\/calls\/[^/]+\/join$/.test(new URL(e.name).pathname) && e.startTime >= click)
        .sort((a, b) => a.startTime - b.startTime)[0];
      const signal = cs.ws.find((w) => w.url.includes('/rtc') && w.created >= click);
      const pcs = cs.pcs.filter((p) => p.created >= click);
      // A's camera: the first video track that comes with a stream (not an empty section added ahead of time).
      const videoTrack = pcs
        .flatMap((p) => p.tracks.map((t) => ({ ...t, pc: p })))
        .filter((t) => t.kind === 'video' && t.streams > 0)
        .sort((x, y) => x.at - y.at)[0];
      const remote = cs.videos.find((v) => {
        const tile = v.video.closest('[data-identity]');
        return tile?.getAttribute('data-identity') === caller && tile.getAttribute('data-kind') === 'camera' && v.first;
      });
      return {
        joinRequest: since(join?.startTime),
        joinResponse: since(join?.responseEnd),
        signalCreated: since(signal?.created),
        signalOpen: since(signal?.open),
        // SignalResponse cases (livekit_rtc.proto): 1 join, 2 answer.
        signalJoin: since(signal?.messages.find((m) => m.dir === 'in' && m.field === 1)?.at),
        signalAnswer: since(signal?.messages.find((m) => m.dir === 'in' && m.field === 2)?.at),
        // The connection that carries A's video (livekit-client has one, or two with singlePeerConnection off).
        peerConnected: since(videoTrack?.pc.connected || Math.min(...pcs.map((p) => p.connected || Infinity).concat(Infinity))),
        videoTrack: since(videoTrack?.at),
        videoElement: since(remote?.added),
        videoAttached: since(remote?.attached),
        callWindow: since(cs.seen['call-window']),
        firstFrame: since(remote?.first),
        trace: !withTrace
          ? []
          : [
              { at: since(join?.startTime), what: 'join request sent' },
              { at: since(join?.responseEnd), what: 'join response received' },
              { at: since(remote?.first), what: 'first frame' },
              ...Object.entries(cs.seen).map(([name, at]) => ({ at: since(at), what: `seen ${name}` })),
              ...performance.getEntriesByType('mark').map((m) => ({ at: since(m.startTime), what: `mark ${m.name}` })),
              ...cs.ws
                .filter((w) => w.url.includes('/rtc') && w.created >= click)
                .flatMap((w) => [
                  { at: since(w.created), what: `ws created ${new URL(w.url).pathname}` },
                  { at: since(w.open), what: 'ws open' },
                  ...w.messages.map((m) => ({ at: since(m.at), what: `ws ${m.dir} ${m.field}` })),
                ]),
              ...pcs.flatMap((p, i) => [
                { at: since(p.created), what: `pc${i} created` },
                { at: since(p.iceConnected), what: `pc${i} ice connected` },
                { at: since(p.connected), what: `pc${i} connected` },
                ...p.tracks.map((t) => ({ at: since(t.at), what: `pc${i} track ${t.kind}${t.streams ? '' : ' (empty section)'}` })),
                ...p.ops.flatMap((o) => [
                  { at: since(o.start), what: `pc${i} ${o.op}(${o.type}) start` },
                  { at: since(o.end), what: `pc${i} ${o.op}(${o.type}) end` },
                ]),
              ]),
              ...cs.videos.flatMap((v) => {
                const whose = v.video.closest('[data-identity]')?.getAttribute('data-identity') === caller ? 'caller' : 'other';
                return [
                  { at: since(v.added), what: `video added (${whose})` },
                  { at: since(v.attached), what: `video attached (${whose})` },
                ];
              }),
              ...cs.stats.flatMap((s) => [
                { at: since(s.packets), what: `inbound video ${s.id}: first packet` },
                { at: since(s.received), what: `inbound video ${s.id}: first frame received` },
                { at: since(s.keyFrame), what: `inbound video ${s.id}: first key frame decoded` },
                { at: since(s.decoded), what: `inbound video ${s.id}: first frame decoded` },
                { at: since(s.pliAt), what: `inbound video ${s.id}: PLI sent (${s.pli} by the end; FIR ${s.fir}, NACK ${s.nack})` },
              ]),
            ]
              .filter((e) => e.at !== null && e.at > -1000)
              .sort((x, y) => x.at - y.at),
        clickEpoch: click ? performance.timeOrigin + click : null,
        framesDecoded: remote ? remote.video.getVideoPlaybackQuality().totalVideoFrames : 0,
        // Main-thread time in long tasks between the click and the first frame.
        busyMs: remote?.first
          ? cs.longTasks
              .filter((t) => t.start + t.duration > click && t.start < remote.first)
              .reduce((sum, t) => sum + Math.min(t.start + t.duration, remote.first) - Math.max(t.start, click), 0)
          : null,
      };
    },
    [callerId, withTrace],
  );

/** A's signal messages and offer/answer calls around B's accept, on B's clock (ms after B's click), for LOAD_TRACE. */
const callerTrace = (page, clickEpoch) =>
  page.evaluate((clickEpoch) => {
    const since = (t) => performance.timeOrigin + t - clickEpoch;
    const recent = (e) => e.at > -200;
    return [
      ...window.__cs.ws
        .filter((w) => w.url.includes('/rtc'))
        .flatMap((w) => w.messages.map((m) => ({ at: since(m.at), what: `A: ws ${m.dir} ${m.field}` }))),
      ...window.__cs.pcs.flatMap((p, i) =>
        p.ops.flatMap((o) => [
          { at: since(o.start), what: `A: pc${i} ${o.op}(${o.type}) start` },
          { at: since(o.end), what: `A: pc${i} ${o.op}(${o.type}) end` },
        ]),
      ),
    ].filter(recent);
  }, clickEpoch);

/** Whether A's page publishes its camera over a connected peer connection. */
const publishingVideo = (page) =>
  page.evaluate(() =>
    window.__cs.pcs.some((p) => p.pc.connectionState === 'connected' && p.pc.getSenders().some((s) => s.track?.kind === 'video')),
  );

const waitUntil = async (what, check, timeoutMs = 20_000) => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
};

const oneCall = async (a, b, n) => {
  for (const p of [a, b]) {
    await p.page.evaluate(() => window.__csReset());
    // A notice left from the previous call (e.g. "call ended") is closed, as a person would.
    const notice = p.page.locator('[data-test=call-notice] button');
    if (await notice.count()) await notice.click();
  }
  await a.page.click('[data-test=start-video]');
  // Starting a call opens the pre-join preview first (camera and microphone check); A joins from it. B's accept from the
  // ringing card joins at once, as before.
  await a.page.waitForSelector('[data-test=call-window], [data-test=prejoin-join]');
  if (await a.page.locator('[data-test=prejoin-join]').count()) await a.page.click('[data-test=prejoin-join]');
  await a.page.waitForSelector('[data-test=call-window]');
  await b.page.waitForSelector('[data-test=incoming-call][data-ringing=true]', { timeout: 15_000 });
  // B answers once A's camera is on its way to LiveKit (a person takes longer than that to pick up).
  await waitUntil(`call ${n}: A publishing video`, () => publishingVideo(a.page));
  await sleep(500);
  await b.page.click('[data-test=accept-video]');
  if (TRACE_STATS) await b.page.evaluate(() => window.__csPollStats());
  await b.page.waitForSelector('[data-test=call-window]');
  let m;
  await waitUntil(`call ${n}: A's first frame in B's page`, async () => (m = await milestones(b.page, a.id)).firstFrame !== null, 20_000);
  // Let the call run a moment and prove video keeps flowing, then A hangs up and both sides close.
  await sleep(700);
  const later = await milestones(b.page, a.id, true);
  m.framesDecoded = later.framesDecoded;
  m.trace = later.trace;
  if (TRACE) m.trace = [...m.trace, ...(await callerTrace(a.page, later.clickEpoch))].sort((x, y) => x.at - y.at);
  await a.page.click('[data-test=leave-call]');
  await a.page.waitForSelector('[data-test=call-window]', { state: 'detached' });
  await b.page.waitForSelector('[data-test=call-window]', { state: 'detached', timeout: 15_000 });
  await waitUntil(`call ${n} to end on the server`, async () => (await liveCalls(a)) === 0 && (await liveCalls(b)) === 0);
  return m;
};

/** The floor: local offer/answer between two peer connections in one page, createOffer → first decoded frame. */
const floor = async (browser, base, runs) => {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript(instrument);
  const page = await context.newPage();
  // A blank page on the gateway's origin (a secure context, so getUserMedia is there), served by Playwright.
  await page.route('**/__floor', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><html><body></body></html>' }));
  await page.goto(`${base}/__floor`);
  const times = await page.evaluate(async (count) => {
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    const results = [];
    for (let i = 0; i < count; i++) {
      const pc1 = new RTCPeerConnection();
      const pc2 = new RTCPeerConnection();
      pc1.onicecandidate = (e) => e.candidate && pc2.addIceCandidate(e.candidate);
      pc2.onicecandidate = (e) => e.candidate && pc1.addIceCandidate(e.candidate);
      const video = document.createElement('video');
      video.muted = true;
      video.autoplay = true;
      video.playsInline = true;
      video.width = 640;
      video.height = 480;
      document.body.append(video);
      const record = window.__csWatch(video);
      pc2.ontrack = (e) => {
        video.srcObject = new MediaStream([e.track]);
        void video.play().catch(() => undefined);
      };
      for (const track of camera.getTracks()) pc1.addTrack(track, camera);
      const start = performance.now();
      const offer = await pc1.createOffer();
      await pc1.setLocalDescription(offer);
      await pc2.setRemoteDescription(offer);
      const answer = await pc2.createAnswer();
      await pc2.setLocalDescription(answer);
      await pc1.setRemoteDescription(answer);
      const until = performance.now() + 10_000;
      while (!record.first && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
      results.push(record.first ? record.first - start : null);
      pc1.close();
      pc2.close();
      video.remove();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const track of camera.getTracks()) track.stop();
    return results;
  }, runs);
  await context.close();
  return times;
};

const stats = (values) => {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((x, y) => x - y);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
};

const main = async () => {
  if (!existsSync(join(WEB_DIST, 'index.html'))) execFileSync('npm', ['run', 'build', '-w', 'web'], { cwd: ROOT, stdio: 'inherit' });
  const stack = await startLoadStack('call-setup', {
    withLiveKit: true,
    webDist: WEB_DIST,
    // 20 calls in a few minutes from one person; a short ring is never reached (every call is answered).
    env: { CALL_STARTS_PER_MINUTE: '1000' },
  });
  const browser = await launchBrowser();
  try {
    const base = stack.gatewayUrl();
    const a = await register(browser, base, 'Alice Caller');
    const b = await register(browser, base, 'Bob Callee');
    // A opens the personal chat with B through "New chat"; B opens it from the list.
    await a.page.click('[data-test=menu]');
    await a.page.click('[data-test=menu-new-chat]');
    await a.page.fill('[data-test=new-chat-search]', b.username);
    await a.page.click('[data-test=new-chat-user]');
    await a.page.waitForURL(/\/chats\/[a-f0-9]{24}$/);
    await b.page.waitForSelector('[data-test=chat-row]');
    await b.page.click('[data-test=chat-row]');

    // One call first, not counted: the first ever pays for lazy-loaded code and cold caches on both sides.
    console.log('call-setup: warm-up call…');
    await oneCall(a, b, 0);
    const calls = [];
    for (let n = 1; n <= CALLS; n++) {
      const m = await oneCall(a, b, n);
      calls.push(m);
      if (TRACE) console.log(m.trace.map((e) => `  ${e.at.toFixed(0).padStart(5)} ${e.what}`).join('\n'));
      console.log(
        `call-setup: call ${n}/${CALLS}: first frame ${m.firstFrame?.toFixed(0)} ms after accept (${m.framesDecoded} frames decoded; signal open at ${m.signalOpen?.toFixed(0)} ms; long tasks ${m.busyMs?.toFixed(0)} ms)`,
      );
    }
    console.log('call-setup: bare RTCPeerConnection pair…');
    const floorTimes = await floor(browser, base, FLOOR_RUNS);
    const errors = [...a.errors, ...b.errors];

    const setup = stats(calls.map((c) => c.firstFrame));
    const bare = stats(floorTimes);
    const ratio = setup.p50 / bare.p50;
    const part = (key) => stats(calls.map((c) => c[key])).p50;
    // Each milestone's p50 in ms after the click, in the order they happened; the step is the time since the one before.
    const labels = {
      joinRequest: 'join request sent (app: accept handler, token refresh if due)',
      joinResponse: 'join response received (HTTP POST /api/calls/:id/join: gateway → calls → LiveKit token)',
      signalCreated: 'LiveKit signal WebSocket created (livekit-client Room.connect begins)',
      signalOpen: 'signal WebSocket open',
      signalJoin: 'LiveKit’s join response on the signal socket',
      signalAnswer: 'LiveKit’s answer to the offer B sent with its join',
      videoTrack: 'A’s video track arrives on B’s peer connection (the SDP that carries it applied)',
      peerConnected: 'B’s peer connection connected (ICE + DTLS)',
      callWindow: 'call window shown',
      videoElement: 'A’s camera tile <video> element added',
      videoAttached: 'A’s camera track attached to its <video>',
      firstFrame: 'first decoded frame of A’s camera',
    };
    const breakdown = Object.entries(labels)
      .map(([key, label]) => ({ label, at: part(key) }))
      .filter((m) => Number.isFinite(m.at))
      .sort((x, y) => x.at - y.at)
      .map((m, i, all) => ({ ...m, step: m.at - (i ? all[i - 1].at : 0) }));
    const rows = [
      {
        measure: 'call setup: accept → first decoded remote frame (web client, LiveKit)',
        n: setup.n,
        'p50 ms': setup.p50,
        'p95 ms': setup.p95,
        'min ms': setup.min,
        'max ms': setup.max,
        'vs floor (p50)': ratio,
        'frames decoded (each call)': calls.map((c) => c.framesDecoded).join(', '),
      },
      {
        measure: 'floor: bare RTCPeerConnection pair, createOffer → first decoded frame',
        n: bare.n,
        'p50 ms': bare.p50,
        'p95 ms': bare.p95,
        'min ms': bare.min,
        'max ms': bare.max,
        'vs floor (p50)': 1,
        'frames decoded (each call)': '',
      },
      ...breakdown.map((m) => ({
        measure: `breakdown, p50 ms after the click: ${m.label}`,
        n: calls.length,
        'p50 ms': m.at,
        'p95 ms': '',
        'min ms': '',
        'max ms': '',
        'vs floor (p50)': `step +${m.step.toFixed(0)} ms`,
        'frames decoded (each call)': '',
      })),
      {
        measure: 'B’s main thread inside long tasks (> 50 ms) between the click and the first frame',
        n: calls.length,
        'p50 ms': stats(calls.map((c) => c.busyMs)).p50,
        'p95 ms': stats(calls.map((c) => c.busyMs)).p95,
        'min ms': '',
        'max ms': '',
        'vs floor (p50)': '',
        'frames decoded (each call)': '',
      },
    ];
    const overBudget = [...breakdown]
      .sort((x, y) => y.step - x.step)
      .slice(0, 2)
      .map((m) => `up to “${m.label}” +${m.step.toFixed(0)} ms`)
      .join('; ');
    report({
      scenario: 'call-setup',
      setup:
        `The whole product on 127.0.0.1 (startLoadStack: NATS, Redis, FerretDB, LiveKit, users, groups, calls, one gateway ` +
        `serving the web build); one headless Chromium (Debian, fake camera and microphone, loopback ICE). Two people ` +
        `registered once; A starts a video call in their personal chat, B accepts with video once A's camera is published ` +
        `(+500 ms), and the time runs from B's click to the first decoded frame of A's camera in B's page (the <video>'s ` +
        `decoded-frame count or requestVideoFrameCallback, checked every 4 ms). ${CALLS} calls after one uncounted warm-up call; ` +
        `each is hung up by A and over on both sides and on the server before the next. Floor: two RTCPeerConnections in one ` +
        `page of the same browser, fake camera 640×480, local offer/answer, createOffer → first decoded frame, ${FLOOR_RUNS} runs. ` +
        `Breakdown milestones from B's page: Resource Timing of the join request, LiveKit's signal WebSocket and the ` +
        `RTCPeerConnections (wrapped by an init script; the app's code is unchanged).`,
      rows,
      goals: [
        {
          goal: `call setup p50 ≤ ${GOAL_P50_MS} ms on loopback`,
          met: setup.p50 <= GOAL_P50_MS,
          detail: `p50 ${setup.p50.toFixed(0)} ms, p95 ${setup.p95.toFixed(0)} ms over ${setup.n} calls.${setup.p50 <= GOAL_P50_MS ? '' : ` Largest parts: ${overBudget}.`}`,
        },
        {
          goal: `call setup p50 ≤ ${GOAL_FLOOR_RATIO}× the bare RTCPeerConnection pair`,
          met: ratio <= GOAL_FLOOR_RATIO,
          detail: `${ratio.toFixed(2)}× (${setup.p50.toFixed(0)} ms vs ${bare.p50.toFixed(0)} ms).${ratio <= GOAL_FLOOR_RATIO ? '' : ` Largest parts: ${overBudget}.`}`,
        },
      ],
      notes: [
        'Frames decoded: the count in B’s <video> of A ~0.7 s after its first frame, per call (proof that video flows).',
        'The client (since 2026-12-02): the call screen renders once LiveKit has taken the signal connection, not before ' +
          'livekit-client builds its offer; the DTLS certificate is made while the call rings (or during the join request) ' +
          'instead of inside the first createOffer; livekit-client’s 50 ms "is the peer connection up yet" polls, which hold ' +
          'back every subscribed track, run every 10 ms; and the remote tiles attach before the microphone and camera are ' +
          'opened. Measured one against the other, interleaved call by call in the same runs, each helped: see load/call-setup/README.md.',
        `What limits it: the floor (${bare.p50.toFixed(0)} ms) already holds ICE + DTLS + a keyframe on loopback; the call adds, ` +
          `in series, the join request (gateway → calls → token), livekit-client building its first offer (6 receive sections and ` +
          `data channels) before it opens the socket, LiveKit's join and its answer to that offer, ICE + DTLS, the tile's attach ` +
          `(with adaptive stream that is what asks the SFU for the video) and the next frame of the low simulcast layer. When ` +
          `LiveKit subscribes B before it has applied B's offer, it asks for more receive sections and one more offer/answer ` +
          `round trip follows. B's long tasks p50 ${stats(calls.map((c) => c.busyMs)).p50.toFixed(0)} ms. Chromium, both pages, ` +
          `LiveKit and the services share 2 cores with whatever else runs, which widens p95.`,
        'Measured and not kept: two peer connections (singlePeerConnection off: the SFU’s first subscriber offer waits out its ' +
          '150 ms negotiation debounce), adaptiveStream off, dynacast off, opening camera and microphone at the click. ' +
          'room.prepareConnection at ring time is a HEAD to LiveKit’s http(s) address, which the gateway’s CSP (connect-src ' +
          "'self' ws: wss:) refuses; on loopback it measured nothing anyway.",
        ...(errors.length ? [`Page errors: ${errors.slice(0, 3).join(' | ')}`] : []),
      ],
    });
  } finally {
    await browser.close().catch(() => undefined);
    await stack.stop();
  }
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
