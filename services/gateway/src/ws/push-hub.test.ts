import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { trace, type Counter } from '@opentelemetry/api';
import type { TemplatedApp } from 'uWebSockets.js';
import { describe, expect, it } from 'vitest';
import { encodePush, PUSH_SUBJECT } from '@messenger/contracts';
import type { Logger } from '@messenger/kit/edge';
import { PushHub } from './push-hub.js';

/** The hub over a NATS connection and a uWS app that only record: what it subscribed to, and what it published. */
const hubWithFakes = () => {
  let deliver: ((error: Error | null, msg: Msg) => void) | undefined;
  const subjects: string[] = [];
  const nats = {
    subscribe: (subject: string, options: { callback: typeof deliver }) => {
      subjects.push(subject);
      deliver = options.callback;
    },
  } as unknown as NatsConnection;
  const published: { topic: string; frame: string }[] = [];
  const app = {
    publish: (topic: string, frame: Uint8Array) => published.push({ topic, frame: new TextDecoder().decode(frame) }),
  } as unknown as TemplatedApp;
  let counted = 0;
  const pushes = { add: (n: number) => (counted += n) } as unknown as Counter;
  const logged: string[] = [];
  const logger = { error: (_fields: unknown, message: string) => logged.push(message) } as unknown as Logger;
  const hub = new PushHub(nats, app, trace.getTracer('test'), pushes, logger);
  const push = (userIds: string[], frame: string) =>
    deliver!(null, { subject: PUSH_SUBJECT, data: encodePush(userIds, frame), headers: undefined } as unknown as Msg);
  const fail = () => deliver!(new Error('Permissions Violation for Subscription to "push.users"'), {} as Msg);
  return { hub, subjects, published, push, fail, logged, counted: () => counted };
};

describe('PushHub', () => {
  it('holds one subscription, whatever the number of users', () => {
    const { hub, subjects } = hubWithFakes();
    for (let i = 0; i < 100; i++) hub.attach(`u${i}`);
    expect(subjects).toEqual([PUSH_SUBJECT]);
    expect(hub.userCount).toBe(100);
  });

  it('hands the frame to the topics of the users it holds, and skips the others', () => {
    const { hub, published, push, counted } = hubWithFakes();
    hub.attach('here-1');
    hub.attach('here-2');
    push(['elsewhere', 'here-2', 'here-1'], '{"type":"x"}');
    expect(published).toEqual([
      { topic: 'user:here-2', frame: '{"type":"x"}' },
      { topic: 'user:here-1', frame: '{"type":"x"}' },
    ]);
    expect(counted()).toBe(2);
  });

  it('keeps delivering to a user until their last socket here closes', () => {
    const { hub, published, push } = hubWithFakes();
    hub.attach('u');
    hub.attach('u');
    hub.detach('u');
    push(['u'], 'one');
    hub.detach('u');
    push(['u'], 'two');
    hub.detach('u'); // a close after the last is harmless
    expect(published.map((p) => p.frame)).toEqual(['one']);
    expect(hub.userCount).toBe(0);
  });

  it('drops a message that is not a push', () => {
    const { hub, published, push } = hubWithFakes();
    hub.attach('u');
    push([], 'no users');
    expect(published).toEqual([]);
  });

  it('says so in the log when NATS refuses or ends its subscription', () => {
    const { hub, published, fail, logged } = hubWithFakes();
    hub.attach('u');
    fail();
    expect(published).toEqual([]);
    expect(logged).toEqual(['push subscription failed: no push reaches this gateway']);
  });
});
