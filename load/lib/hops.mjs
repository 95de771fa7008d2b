// Where a send's time goes, hop by hop, from the traces the stack itself exports: the gateway samples a fraction of
// the sends it handles (OTEL_TRACES_SAMPLER=parentbased_traceidratio), every process exports its spans of those
// traces to a receiver in this process, and a step's sampled sends are summed up per hop.
import { startOtlpReceiver } from '@messenger/kit/testing';
import { percentile } from './proc.mjs';

const SEND_ROOT = 'HTTP POST /api/chats/:chatId/messages';

/** The receiver, and the environment that makes the stack sample `ratio` of its traces and export them to it. */
export const startHopTracing = async (ratio) => {
  const receiver = await startOtlpReceiver();
  return {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: String(ratio),
    },
    /** Per hop, over the sends whose trace started in [fromMs, toMs): `{ name: { count, p50, p99 } }` in ms. */
    between: (fromMs, toMs) => sendHops(receiver.spans, fromMs, toMs),
    /** Every span received, for a closer look than the summary (LOAD_TRACE_DUMP names the file). */
    spans: () => receiver.spans,
    close: () => receiver.close(),
  };
};

const sendHops = (spans, fromMs, toMs) => {
  const byTrace = new Map();
  for (const span of spans) {
    let list = byTrace.get(span.traceId);
    if (!list) byTrace.set(span.traceId, (list = []));
    list.push(span);
  }
  const hops = new Map();
  const add = (name, ms) => {
    if (!Number.isFinite(ms)) return;
    let list = hops.get(name);
    if (!list) hops.set(name, (list = []));
    list.push(Math.max(0, ms));
  };
  for (const trace of byTrace.values()) {
    const root = trace.find((s) => s.service === 'gateway' && s.name === SEND_ROOT);
    if (!root || root.startMs < fromMs || root.startMs >= toMs) continue;
    const asked = trace.find((s) => s.service === 'gateway' && s.name === 'request groups.messages.send');
    const handled = trace.find((s) => s.service === 'groups' && s.name === 'groups.messages.send');
    add('whole request (gateway)', root.endMs - root.startMs);
    if (asked && handled) {
      add('gateway → groups (NATS, and waiting for groups)', handled.startMs - asked.startMs);
      add('groups → gateway (the answer back)', asked.endMs - handled.endMs);
    }
    if (handled) add('handled in groups', handled.endMs - handled.startMs);
    const counts = new Map();
    const inGroups = trace.filter((s) => s.service === 'groups' && s !== handled).sort((a, b) => a.startMs - b.startMs);
    for (const child of inGroups) {
      const n = (counts.get(child.name) ?? 0) + 1;
      counts.set(child.name, n);
      add(`groups: ${child.name} #${n}`, child.endMs - child.startMs);
    }
    const insert = trace.find((s) => s.service === 'groups' && s.name === 'mongodb insert messages');
    for (const delivered of trace.filter((s) => s.service === 'gateway' && s.name === 'push.deliver')) {
      if (insert) add('insert done → push on the gateway', delivered.startMs - insert.endMs);
    }
  }
  const out = {};
  for (const [name, list] of hops) {
    list.sort((a, b) => a - b);
    out[name] = { count: list.length, p50: percentile(list, 50), p99: percentile(list, 99) };
  }
  return out;
};

/** "name p50/p99" for the hops, slowest p99 first. */
export const hopsText = (hops) =>
  Object.entries(hops)
    .sort((a, b) => b[1].p99 - a[1].p99)
    .map(([name, h]) => `${name} ${h.p50.toFixed(1)}/${h.p99.toFixed(1)} ms`)
    .join('; ');
