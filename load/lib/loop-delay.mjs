// The event loop's delay of every Node process of a stack (nodejs_eventloop_delay_* on each /metrics), since the
// previous reading: read once when a step starts (which resets it) and once when it ends.

import { metricValue } from '@messenger/kit/testing';

/** @returns {Promise<Record<string, { p99: number, max: number }>>} milliseconds, by process name */
export const readLoopDelay = async (stack) => {
  const processes = [
    ...stack.gateways.map((g) => [g.name, g]),
    ...Object.entries(stack.services).flatMap(([name, replicas]) =>
      replicas.map((r, i) => [replicas.length > 1 ? `${name}-${i + 1}` : name, r]),
    ),
  ];
  const out = {};
  await Promise.all(
    processes.map(async ([name, proc]) => {
      try {
        const text = await (await fetch(`http://127.0.0.1:${proc.healthPort}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
        out[name.replace(/-1$/, '')] = {
          p99: metricValue(text, 'nodejs_eventloop_delay_p99_seconds') * 1000,
          max: metricValue(text, 'nodejs_eventloop_delay_max_seconds') * 1000,
        };
      } catch {
        // a process that does not answer has no figure in this step
      }
    }),
  );
  return out;
};

/** [name, {p99, max}] of the processes that reported, longest p99 first. */
export const byLoopDelay = (delays) =>
  Object.entries(delays ?? {})
    .filter(([, d]) => Number.isFinite(d.p99))
    .sort((a, b) => b[1].p99 - a[1].p99);

/** "groups 12/40, gateway 3/9": p99/max ms of each Node process (a stack has four), longest p99 first. */
export const loopDelayCell = (delays, top = 4) =>
  byLoopDelay(delays)
    .slice(0, top)
    .map(([name, d]) => `${name} ${d.p99.toFixed(0)}/${d.max.toFixed(0)}`)
    .join(', ');
