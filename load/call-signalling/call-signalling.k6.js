// k6: every VU is a pair of users with a personal chat, each with a WebSocket to the gateway. Rounds
// run one after another, agreed on through run.mjs's barrier: HTTP baselines (/livez, /healthz), then
// steps at a rising rate of calls per second. One call: the caller starts it (POST /api/calls, which
// answers with the caller's join token), the callee's socket rings (`call.incoming`), the callee accepts
// (POST /api/calls/:id/join, which answers with its join token), the caller hangs up (POST
// /api/calls/:id/leave) and the callee's socket hears `call.ended`.
import http from 'k6/http';
import exec from 'k6/execution';
import { SharedArray } from 'k6/data';
import { Trend } from 'k6/metrics';
import { WebSocket } from 'k6/websockets';

const config = JSON.parse(open(__ENV.LOAD_CONFIG));
const pairs = new SharedArray('pairs', () => JSON.parse(open(__ENV.LOAD_PAIRS)));
const OPS = ['start', 'ring', 'accept', 'leave', 'ended', 'setup'];

const metrics = {};
for (const round of config.rounds) {
  if (round.kind === 'calls') for (const op of OPS) metrics[`${op}_${round.key}`] = new Trend(`${op}_${round.key}`, true);
  else metrics[`req_${round.key}`] = new Trend(`req_${round.key}`, true);
}

export const options = {
  scenarios: {
    pairs: { executor: 'per-vu-iterations', vus: pairs.length, iterations: 1, maxDuration: config.maxDuration, gracefulStop: '5s' },
  },
  summaryTrendStats: ['count', 'avg', 'min', 'p(50)', 'p(95)', 'p(99)', 'max'],
};

const barrier = async (name, report) => {
  const res = await http.asyncRequest('POST', `${config.barrierUrl}/barrier/${name}`, JSON.stringify(report), {
    timeout: '600s',
    tags: { name: 'barrier' },
  });
  if (res.status !== 200) throw new Error(`barrier ${name}: ${res.status} ${res.error}`);
  return JSON.parse(res.body);
};

const sleepUntil = (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/** A socket that remembers when each call's frames arrived and wakes whoever waits for one. */
const openSocket = (token) =>
  new Promise((resolve) => {
    const state = { ws: null, alive: false, seen: new Map(), waiters: new Map() };
    const ws = new WebSocket(`${config.wsUrl}/ws?access_token=${token}`, null, { tags: { name: 'ws' } });
    state.ws = ws;
    ws.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      let key;
      if (frame.type === 'call.incoming' && frame.data.ring) key = `ring:${frame.data.call.id}`;
      else if (frame.type === 'call.ended') key = `ended:${frame.data.id}`;
      else return;
      const at = Date.now();
      const waiter = state.waiters.get(key);
      if (waiter) {
        state.waiters.delete(key);
        waiter(at);
      } else state.seen.set(key, at);
    };
    ws.onopen = () => {
      state.alive = true;
      resolve(state);
    };
    ws.onerror = () => resolve(state);
    ws.onclose = () => {
      state.alive = false;
      resolve(state);
    };
  });

/** When the frame `key` arrived (now or earlier), or null after `timeoutMs`. */
const frameAt = (socket, key, timeoutMs) => {
  const seen = socket.seen.get(key);
  if (seen !== undefined) {
    socket.seen.delete(key);
    return Promise.resolve(seen);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.waiters.delete(key);
      resolve(null);
    }, timeoutMs);
    socket.waiters.set(key, (at) => {
      clearTimeout(timer);
      resolve(at);
    });
  });
};

const post = (path, token, body) =>
  http.asyncRequest('POST', `${config.apiUrl}${path}`, body ? JSON.stringify(body) : null, {
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    tags: { name: path.startsWith('/api/calls/') ? `/api/calls/:id/${path.split('/').pop()}` : path },
    timeout: '10s',
  });

/** One call, start to hang-up; returns the failed step's name, or null. Latencies go to the round's trends. */
const call = async (pair, callee, key, tally) => {
  const add = (op, ms) => {
    metrics[`${op}_${key}`].add(ms);
    const c = (tally.ops[op] ??= { count: 0, over: 0 });
    c.count++;
    if (ms > config.limitMs) c.over++;
  };
  const t0 = Date.now();
  const started = await post('/api/calls', pair.callerToken, { chatId: pair.chatId, type: 'audio' });
  add('start', started.timings.duration);
  if (started.status !== 201) return `start ${started.status}`;
  const body = JSON.parse(started.body);
  if (!body.join?.token || !body.join?.url) return 'start without a join token';
  const callId = body.call.id;
  const failure = await answerAndHangUp(pair, callee, callId, t0, add);
  // A call that went wrong half-way is hung up, as a client would, so no session is left live by the test itself.
  if (failure) await post(`/api/calls/${callId}/leave`, pair.callerToken);
  return failure;
};

const answerAndHangUp = async (pair, callee, callId, t0, add) => {
  const rang = await frameAt(callee, `ring:${callId}`, config.frameTimeoutMs);
  if (rang === null) return 'no ring';
  add('ring', rang - t0);
  const accepted = await post(`/api/calls/${callId}/join`, pair.calleeToken);
  add('accept', accepted.timings.duration);
  if (accepted.status !== 200) return `accept ${accepted.status}`;
  if (!JSON.parse(accepted.body).join?.token) return 'accept without a join token';
  add('setup', Date.now() - t0);
  const hangUp = Date.now();
  const left = await post(`/api/calls/${callId}/leave`, pair.callerToken);
  add('leave', left.timings.duration);
  if (left.status !== 200) return `leave ${left.status}`;
  const ended = await frameAt(callee, `ended:${callId}`, config.frameTimeoutMs);
  if (ended === null) return 'no call.ended';
  add('ended', ended - hangUp);
  return null;
};

export default async function () {
  const index = exec.vu.idInTest - 1;
  const pair = pairs[index];
  await sleepUntil(Date.now() + (index / pairs.length) * config.connectSpreadMs);
  const caller = await openSocket(pair.callerToken);
  const callee = await openSocket(pair.calleeToken);

  let answer = await barrier('ready', { alive: caller.alive && callee.alive });
  while (answer.next) {
    const round = config.rounds.find((r) => r.key === answer.next);
    const tally = { calls: 0, completed: 0, errors: 0, skipped: 0, reasons: {}, ops: {}, sent: 0 };
    const start = answer.startAt;
    const end = start + config.stepMs;
    const rotated = (index + round.offset) % pairs.length;
    const everyMs = (pairs.length / round.rate) * 1000;
    let busy = false;
    const slot = async () => {
      if (round.kind === 'http') {
        const res = await http.asyncRequest('GET', `${config.apiUrl}${round.path}`, null, { tags: { name: round.key }, timeout: '10s' });
        metrics[`req_${round.key}`].add(res.timings.duration);
        if (res.status === 200) tally.sent++;
        else tally.errors++;
        return;
      }
      // A pair whose previous call has not finished skips its slot rather than overlap.
      if (busy) {
        tally.skipped++;
        return;
      }
      busy = true;
      tally.calls++;
      let failure;
      try {
        failure = await call(pair, callee, round.key, tally);
      } catch (error) {
        failure = String(error);
      }
      busy = false;
      if (failure) {
        tally.errors++;
        tally.reasons[failure] = (tally.reasons[failure] ?? 0) + 1;
      } else tally.completed++;
    };
    for (let at = start + (rotated / round.rate) * 1000; at < end; at += everyMs) setTimeout(slot, Math.max(0, at - Date.now()));
    await sleepUntil(end + config.drainMs);
    // Calls still running past the drain are counted as such.
    tally.inflight = busy ? 1 : 0;
    answer = await barrier(round.key, { ...tally, alive: caller.alive && callee.alive });
  }
  caller.ws.close();
  callee.ws.close();
}

export function handleSummary(data) {
  return { [__ENV.SUMMARY_FILE]: JSON.stringify(data) };
}
