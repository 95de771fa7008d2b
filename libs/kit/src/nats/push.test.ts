import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishPush } from './push.js';

/** Records what would go to NATS: subject, payload and the traceparent header, if any. */
const recorder = () => {
  const sent: { subject: string; data: string; traceparent: string | undefined }[] = [];
  const nats = {
    publish: (subject: string, data: string, options?: { headers?: { get(k: string): string } }) =>
      sent.push({ subject, data, traceparent: options?.headers?.get('traceparent') || undefined }),
  } as unknown as NatsConnection;
  return { nats, sent };
};

const inSpan = (flags: TraceFlags, work: () => void) =>
  context.with(
    trace.setSpan(context.active(), trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: flags })),
    work,
  );

describe('publishPush', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });

  it('sends each user the frame once, with the trace context when the trace is sampled', () => {
    const { nats, sent } = recorder();
    inSpan(TraceFlags.SAMPLED, () => publishPush(nats, ['u1', 'u2', 'u1'], '{"type":"x"}'));
    expect(sent.map((s) => s.subject)).toEqual(['push.user.u1', 'push.user.u2']);
    expect(sent.every((s) => s.traceparent === `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`)).toBe(true);
  });

  it('sends no headers for an unsampled trace or outside one, so the gateway starts no span per delivery', () => {
    const { nats, sent } = recorder();
    inSpan(TraceFlags.NONE, () => publishPush(nats, ['u1'], (id) => `{"to":"${id}"}`));
    publishPush(nats, ['u2'], 'x');
    expect(sent).toEqual([
      { subject: 'push.user.u1', data: '{"to":"u1"}', traceparent: undefined },
      { subject: 'push.user.u2', data: 'x', traceparent: undefined },
    ]);
  });
});
