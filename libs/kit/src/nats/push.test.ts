import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { NatsConnection } from '@nats-io/transport-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePush, PUSH_USERS_PER_MESSAGE } from '@messenger/contracts';
import { publishPush } from './push.js';

/** Records what would go to NATS: subject, the push's users and frame, and the traceparent header, if any. */
const recorder = () => {
  const sent: { subject: string; userIds: string[]; frame: string; traceparent: string | undefined }[] = [];
  const nats = {
    publish: (subject: string, data: Uint8Array, options?: { headers?: { get(k: string): string } }) => {
      const push = decodePush(data)!;
      sent.push({
        subject,
        userIds: push.userIds,
        frame: new TextDecoder().decode(push.frame),
        traceparent: options?.headers?.get('traceparent') || undefined,
      });
    },
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

  it('sends one message for all the users of one frame, each user once, with the trace context when sampled', () => {
    const { nats, sent } = recorder();
    inSpan(TraceFlags.SAMPLED, () => publishPush(nats, ['u1', 'u2', 'u1'], '{"type":"x"}'));
    expect(sent).toEqual([
      { subject: 'push.users', userIds: ['u1', 'u2'], frame: '{"type":"x"}', traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
    ]);
  });

  it('sends no headers for an unsampled trace or outside one, so the gateway starts no span', () => {
    const { nats, sent } = recorder();
    inSpan(TraceFlags.NONE, () => publishPush(nats, ['u1'], 'x'));
    publishPush(nats, ['u2'], 'x');
    expect(sent.map((s) => s.traceparent)).toEqual([undefined, undefined]);
  });

  it('groups users by the frame each gets when frames differ per user', () => {
    const { nats, sent } = recorder();
    publishPush(nats, ['u1', 'u2', 'u3'], (id) => (id === 'u2' ? '{"mine":true}' : '{"mine":false}'));
    expect(sent.map(({ userIds, frame }) => ({ userIds, frame }))).toEqual([
      { userIds: ['u1', 'u3'], frame: '{"mine":false}' },
      { userIds: ['u2'], frame: '{"mine":true}' },
    ]);
  });

  it('splits a push to very many users into messages of at most PUSH_USERS_PER_MESSAGE, losing none', () => {
    const { nats, sent } = recorder();
    const users = Array.from({ length: PUSH_USERS_PER_MESSAGE * 2 + 5 }, (_, i) => `u${i}`);
    publishPush(nats, users, 'x');
    expect(sent.map((s) => s.userIds.length)).toEqual([PUSH_USERS_PER_MESSAGE, PUSH_USERS_PER_MESSAGE, 5]);
    expect(sent.flatMap((s) => s.userIds)).toEqual(users);
  });

  it('sends nothing for no users', () => {
    const { nats, sent } = recorder();
    publishPush(nats, [], 'x');
    expect(sent).toEqual([]);
  });
});
