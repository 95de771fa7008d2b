// k6: every VU is one user with one WebSocket to the gateway. Rounds run one after another, agreed on
// through run.mjs's barrier: HTTP baselines (/livez, /healthz) at a fixed rate, then message steps at a
// rising send rate, first in the groups of 6, then in the groups of 100. A message's text carries its
// send time; each member's socket measures send-to-receive on `message.created`.
import http from 'k6/http';
import exec from 'k6/execution';
import { SharedArray } from 'k6/data';
import { Trend } from 'k6/metrics';
import { WebSocket } from 'k6/websockets';

const config = JSON.parse(open(__ENV.LOAD_CONFIG));
const users = new SharedArray('users', () => JSON.parse(open(__ENV.LOAD_USERS)));

const latency = {};
const requestTime = {};
for (const round of config.rounds) {
  if (round.kind === 'send') latency[round.key] = new Trend(`lat_${round.key}`, true);
  requestTime[round.key] = new Trend(`req_${round.key}`, true);
}

export const options = {
  scenarios: {
    users: { executor: 'per-vu-iterations', vus: users.length, iterations: 1, maxDuration: config.maxDuration, gracefulStop: '5s' },
  },
  summaryTrendStats: ['count', 'avg', 'min', 'p(50)', 'p(95)', 'p(99)', 'max'],
  discardResponseBodies: true,
};

const barrier = async (name, report) => {
  const res = await http.asyncRequest('POST', `${config.barrierUrl}/barrier/${name}`, JSON.stringify(report), {
    responseType: 'text',
    timeout: '900s',
    tags: { name: 'barrier' },
  });
  if (res.status !== 200) throw new Error(`barrier ${name}: ${res.status} ${res.error}`);
  return JSON.parse(res.body);
};

const sleepUntil = (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

export default async function () {
  const index = exec.vu.idInTest - 1;
  const me = users[index];
  const counts = {};
  let alive = false;
  let problem = '';

  // Connections are spread over the first seconds so the gateway is not handed 5 000 upgrades at once.
  await sleepUntil(Date.now() + (index / users.length) * config.connectSpreadMs);
  const ws = new WebSocket(`${config.wsUrl}/ws?access_token=${me.token}`, null, { tags: { name: 'ws' } });
  ws.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type !== 'message.created' || frame.data.senderId === me.id) return;
    const parts = frame.data.text.split('|');
    if (parts[0] !== 'L' || !latency[parts[1]]) return;
    const ms = Date.now() - Number(parts[2]);
    latency[parts[1]].add(ms);
    const c = (counts[parts[1]] ??= { received: 0, over: 0 });
    c.received++;
    if (ms > config.limitMs) c.over++;
  };
  await new Promise((resolve) => {
    ws.onopen = () => {
      alive = true;
      resolve();
    };
    ws.onerror = (event) => {
      problem = `error: ${event.error}`;
      resolve();
    };
    ws.onclose = (event) => {
      alive = false;
      problem ||= `closed ${event.code}`;
      resolve();
    };
  });

  let answer = await barrier('ready', { alive, problem });
  while (answer.next) {
    const round = config.rounds.find((r) => r.key === answer.next);
    const tally = { sent: 0, errors: 0, inflight: 0, sampled: 0 };
    const start = answer.startAt;
    const end = start + config.stepMs;
    // This VU's share of the round's schedule: slot j goes to participant j mod M, so the whole
    // population together issues `rate` requests per second, evenly spaced.
    const chatId = round.kind === 'send' ? me[round.group] : 'baseline';
    const slot = round.kind === 'send' ? me[`${round.group}Index`] : index;
    const participants = round.kind === 'send' ? config.senders[round.group] : users.length;
    if (chatId && slot >= 0) {
      const rotated = (slot + round.offset) % participants;
      const everyMs = (participants / round.rate) * 1000;
      let n = 0;
      for (let at = start + (rotated / round.rate) * 1000; at < end; at += everyMs) {
        const seq = n++;
        setTimeout(
          () => {
            if (!alive) {
              tally.errors++;
              return;
            }
            tally.inflight++;
            const request =
              round.kind === 'send'
                ? http.asyncRequest(
                    'POST',
                    `${config.apiUrl}/api/chats/${chatId}/messages`,
                    JSON.stringify({ text: `L|${round.key}|${Date.now()}`, clientId: `${index}-${round.key}-${seq}` }),
                    {
                      headers: { authorization: `Bearer ${me.token}`, 'content-type': 'application/json' },
                      tags: { name: 'send' },
                      timeout: '10s',
                    },
                  )
                : http.asyncRequest('GET', `${config.apiUrl}${round.path}`, null, { tags: { name: round.key }, timeout: '10s' });
            request.then(
              (res) => {
                tally.inflight--;
                requestTime[round.key].add(res.timings.duration);
                if (res.status >= 200 && res.status < 300) tally.sent++;
                else tally.errors++;
              },
              () => {
                tally.inflight--;
                tally.errors++;
              },
            );
          },
          Math.max(0, at - Date.now()),
        );
      }
    }
    await sleepUntil(end + config.drainMs);
    const c = counts[round.key] ?? { received: 0, over: 0 };
    answer = await barrier(round.key, { ...tally, received: c.received, over: c.over, alive, problem });
  }
  ws.close();
}

export function handleSummary(data) {
  return { [__ENV.SUMMARY_FILE]: JSON.stringify(data) };
}
