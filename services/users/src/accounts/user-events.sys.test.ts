import { randomBytes } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT, STREAMS, SUBJECT } from '@messenger/contracts';
import { requestService } from '@messenger/kit';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack } from '@messenger/kit/testing';

describe('what the users service offers other services', () => {
  let stack: Stack;
  let nc: NatsConnection;

  beforeAll(async () => {
    stack = await startTestStack('user-events', { replicas: { groups: 0, calls: 0 } });
    nc = await connect(stack.natsLogin());
  });
  afterAll(async () => {
    await nc?.close();
    await stack?.stop();
  });

  it('announces registration and every profile change on JetStream, without secrets', async () => {
    const me = new ApiClient(stack.gatewayUrl());
    const user = await me.register(`ev_${randomBytes(4).toString('hex')}`, 'Eva');
    await me.call('PATCH', '/api/users/me', { name: 'Ева' });

    const consumer = await jetstream(nc).consumers.get(STREAMS.users.name); // ordered, from the start
    const seen: { subject: string; data: { user: Record<string, unknown> } }[] = [];
    const messages = await consumer.consume();
    for await (const msg of messages) {
      const data = msg.json<{ user: Record<string, unknown> }>();
      if (data.user.id === user.id) seen.push({ subject: msg.subject, data });
      if (seen.length === 2) break;
    }
    expect(seen.map((e) => e.subject)).toEqual([EVENT.userRegistered, EVENT.userUpdated]);
    expect(seen[1]!.data.user).toMatchObject({ id: user.id, name: 'Ева' });
    expect(JSON.stringify(seen)).not.toMatch(/password|Hash/);
  });

  it('answers many user summaries in one request, skipping unknown ids', async () => {
    const a = await new ApiClient(stack.gatewayUrl()).register(`sa_${randomBytes(4).toString('hex')}`, 'A');
    const b = await new ApiClient(stack.gatewayUrl()).register(`sb_${randomBytes(4).toString('hex')}`, 'Б');
    const reply = await requestService(nc, SUBJECT.users.summaries, { ids: [a.id, b.id, a.id, '0123456789abcdef01234567'] });
    expect(reply.ok).toBe(true);
    const items = (reply as { response: { items: { id: string; name: string }[] } }).response.items;
    expect(items.map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
    expect(Object.keys(items[0]!).sort()).toEqual(['avatarUrl', 'id', 'name', 'username']);
  });
});
