import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBJECT } from '@messenger/contracts';
import { requestService } from '@messenger/kit';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startOtlpReceiver, startTestStack, TestSocket } from '@messenger/kit/testing';

/**
 * The store scans a whole collection for every read and update (FerretDB), so what every user does
 * over and over must not reach it: counted from the MongoDB command spans the service really exports.
 */
describe('the paths every user hits send the store no command', () => {
  let stack: Stack;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let nc: NatsConnection;
  let ann: ApiClient;
  let annId: string;
  let bobId: string;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    stack = await startTestStack('users-hot-paths', {
      // Groups runs: a presence query asks it who shares a chat with the caller.
      replicas: { calls: 0 },
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint },
    });
    nc = await connect(stack.natsLogin());
    const suffix = randomBytes(3).toString('hex');
    ann = new ApiClient(stack.gatewayUrl());
    annId = (await ann.register(`ann_${suffix}`, 'Ann')).id;
    bobId = (await new ApiClient(stack.gatewayUrl()).register(`bob_${suffix}`, 'Bob')).id;
    expect((await ann.call('POST', '/api/chats/personal', { userId: bobId })).status).toBeLessThan(300);
  });
  afterAll(async () => {
    await nc?.close();
    await stack?.stop();
    await otlp?.close();
  });

  const traceparent = () => {
    const traceId = randomBytes(16).toString('hex');
    return { traceId, header: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } };
  };
  const usersSpans = (traceId: string) => otlp.spans.filter((s) => s.traceId === traceId && s.service === 'users');
  /** The users service's handling of one request, once exported (children end, and are exported, before it). */
  const handled = async (find: () => { traceId: string } | undefined) => {
    const deadline = Date.now() + 15_000;
    let span = find();
    while (!span && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      span = find();
    }
    expect(span, 'the users service exported the span of the request').toBeDefined();
    const spans = usersSpans(span!.traceId);
    return {
      store: spans.filter((s) => s.name.startsWith('mongodb ')).map((s) => s.name),
      redis: spans.filter((s) => s.name.startsWith('redis ')),
    };
  };
  const byName = (traceId: string, name: string) => () => usersSpans(traceId).find((s) => s.name === name);

  it('signing in reads the store (a cold path), which shows the spans are there to count', async () => {
    const { traceId, header } = traceparent();
    const login = await new ApiClient(stack.gatewayUrl()).call(
      'POST',
      '/api/auth/login',
      { username: (await me()).username, password: 'correct horse battery' },
      header,
    );
    expect(login.status).toBe(200);
    const spans = await handled(byName(traceId, SUBJECT.users.login));
    expect(spans.store).toContain('mongodb find accounts');
  });

  it('a token refresh: no store command', async () => {
    const { traceId, header } = traceparent();
    const refreshed = await ann.call<{ accessToken: string }>('POST', '/api/auth/refresh', undefined, header);
    expect(refreshed.status).toBe(200);
    ann.accessToken = refreshed.body.accessToken;
    const spans = await handled(byName(traceId, SUBJECT.users.refresh));
    expect(spans.store).toEqual([]);
    expect(spans.redis.length).toBeGreaterThan(0);
  });

  it('a presence query: no store command', async () => {
    const { traceId, header } = traceparent();
    const statuses = await ann.call<{ items: { userId: string }[] }>('GET', `/api/users/presence?ids=${annId},${bobId}`, undefined, header);
    expect(statuses.body.items.map((s) => s.userId).sort()).toEqual([annId, bobId].sort());
    const spans = await handled(byName(traceId, SUBJECT.users.presence));
    expect(spans.store).toEqual([]);
    expect(spans.redis.length).toBeGreaterThan(0);
  });

  it('my profile and someone else’s: no store command', async () => {
    const mine = traceparent();
    expect((await ann.call('GET', '/api/users/me', undefined, mine.header)).status).toBe(200);
    expect((await handled(byName(mine.traceId, SUBJECT.users.me))).store).toEqual([]);
    const theirs = traceparent();
    const bob = await ann.call<{ name: string }>('GET', `/api/users/${bobId}`, undefined, theirs.header);
    expect(bob.body.name).toBe('Bob');
    expect((await handled(byName(theirs.traceId, SUBJECT.users.getById))).store).toEqual([]);
  });

  it('user summaries for another service: no store command', async () => {
    const reply = await requestService(nc, SUBJECT.users.summaries, { ids: [annId, bobId] });
    expect(reply.ok).toBe(true);
    const spans = await handled(() => otlp.spans.find((s) => s.service === 'users' && s.name === SUBJECT.users.summaries));
    expect(spans.store).toEqual([]);
  });

  it('going offline (the last socket closing): no store command', async () => {
    const socket = await TestSocket.open(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${ann.accessToken}`);
    await socket.next((frame) => frame.type === 'ready');
    await socket.close();
    const spans = await handled(() => otlp.spans.find((s) => s.service === 'users' && s.name === 'gateway.socket.closed'));
    expect(spans.store).toEqual([]);
    expect(spans.redis.map((s) => s.name)).toContain('redis eval');
  });

  const me = async () => (await ann.call<{ username: string }>('GET', '/api/users/me')).body;
});
