import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, errors, type NatsConnection } from '@nats-io/transport-node';
import { EVENT, GATEWAY_SUBJECT, healthSubject, INTERNAL, PUSH_SUBJECT, STREAMS, SUBJECT } from '@messenger/contracts';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack, TestSocket } from '@messenger/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Internal trust: every process logs in to NATS as its own user, allowed only the subjects it needs
// (libs/kit/src/servers/nats-permissions.ts). With the gateway's login, a compromised gateway can neither forge a
// fact, a push or a service's internal message, nor pose as a service; the product keeps working on the same map.

const TEST_CONNECTION = 'internal-trust-test';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
};

/** A connection and the operations the server refused it, as nats.js reports them. */
const connectWatched = async (options: Parameters<typeof connect>[0]) => {
  const nc = await connect({ ...options, name: TEST_CONNECTION });
  const refused: InstanceType<typeof errors.PermissionViolationError>[] = [];
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'error' && status.error instanceof errors.PermissionViolationError) refused.push(status.error);
    }
  })();
  return { nc, refused };
};

describe('internal trust: each process has its own NATS user and only its subjects', () => {
  let stack: Stack;
  let admin: NatsConnection;
  let jsm: JetStreamManager;
  const natsLog: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack('internal-trust', {
      withLiveKit: true,
      log: (source, line) => {
        if (source === 'nats') natsLog.push(line);
      },
    });
    admin = await connect(stack.natsLogin());
    jsm = await jetstreamManager(admin);
  });
  afterAll(async () => {
    await admin?.close();
    await stack?.stop();
  });

  it('lets nobody in without a login, or with a wrong password', async () => {
    const { servers } = stack.natsLogin();
    await expect(connect({ servers })).rejects.toBeInstanceOf(errors.AuthorizationError);
    await expect(connect({ servers, user: 'gateway', pass: 'not-the-password' })).rejects.toBeInstanceOf(errors.AuthorizationError);
  });

  const lastSeq = async (stream: string) => (await jsm.streams.info(stream)).state.last_seq;

  it.each([
    ['a chat fact', EVENT.memberRemoved, STREAMS.groups.name],
    ['a user fact', EVENT.userRegistered, STREAMS.users.name],
    ['a call fact', EVENT.callEnded, STREAMS.calls.name],
    ["the groups replicas' chat state", INTERNAL.chatState, undefined],
    ['a session ending (the users service tells the gateways)', GATEWAY_SUBJECT.sessionEnded, undefined],
    ["a push to users' sockets", PUSH_SUBJECT, undefined],
    ['a question one service asks another', SUBJECT.groups.membership, undefined],
  ])('refuses the gateway publishing %s (%s)', async (_what, subject, stream) => {
    const heard: string[] = [];
    const watch = admin.subscribe(subject, { callback: (_e, msg) => void heard.push(msg.subject) });
    await admin.flush();
    const before = stream ? await lastSeq(stream) : 0;
    const gateway = await connectWatched(stack.natsLogin('gateway'));
    try {
      gateway.nc.publish(subject, JSON.stringify({ chatId: 'aaaaaaaaaaaaaaaaaaaaaaaa', userIds: ['bbbbbbbbbbbbbbbbbbbbbbbb'] }));
      await gateway.nc.flush();
      await until(() => gateway.refused.some((e) => e.operation === 'publish' && e.subject === subject), `the refusal of ${subject}`);
      await admin.flush();
      expect(heard).toEqual([]);
      if (stream) expect(await lastSeq(stream), `${stream} stored nothing`).toBe(before);
      expect(gateway.nc.isClosed(), 'a refusal does not cost the connection').toBe(false);
    } finally {
      watch.unsubscribe();
      await gateway.nc.close();
    }
  });

  it.each([
    ['every users subject', 'users.>', undefined],
    ['the login requests, in the queue group', SUBJECT.users.login, 'users'],
    ['the message sends', SUBJECT.groups.sendMessage, 'groups'],
    ["LiveKit's webhooks", SUBJECT.calls.webhook, 'calls'],
    ["a service's health question", healthSubject('users'), 'users'],
    ["the groups replicas' chat state", INTERNAL.chatState, undefined],
    ['the facts', 'events.>', undefined],
    ["every connection's replies", '_INBOX.>', undefined],
    ["a service's replies", '_INBOX.users.>', undefined],
  ])('refuses the gateway subscribing to %s (%s)', async (_what, subject, queue) => {
    const gateway = await connectWatched(stack.natsLogin('gateway'));
    try {
      const got: string[] = [];
      const sub = gateway.nc.subscribe(subject, {
        ...(queue ? { queue } : {}),
        callback: (error, msg) => {
          if (!error) got.push(msg.subject);
        },
      });
      const closed = await Promise.race([sub.closed, sleep(5_000).then(() => 'still open')]);
      expect(closed).toBeInstanceOf(errors.PermissionViolationError);
      expect(closed).toMatchObject({ operation: 'subscription', subject });
      // The service still answers (a sign-up: users.auth.register), and the refused subscription heard none of it.
      await new ApiClient(stack.gatewayUrl()).register(`probe_${randomBytes(3).toString('hex')}`, 'Probe');
      await gateway.nc.flush();
      expect(got).toEqual([]);
    } finally {
      await gateway.nc.close();
    }
  });

  it('runs the product on the same permissions: sign-up, a group, a message pushed over the socket, a removal, a call, a sign-out', async () => {
    const join = async (name: string) => {
      const api = new ApiClient(stack.gatewayUrl());
      const { id } = await api.register(`${name}_${randomBytes(3).toString('hex')}`, name);
      const socket = await TestSocket.open(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${api.accessToken!}`);
      await socket.next((f) => f.type === 'ready');
      return { api, id, socket };
    };
    const anna = await join('anna');
    const boris = await join('boris');
    const carl = await join('carl');
    try {
      // gateway → groups, groups → users (summaries), groups → push → gateway.
      const created = await anna.api.call<{ id: string }>('POST', '/api/chats', {
        type: 'group',
        name: 'Trust',
        memberIds: [boris.id, carl.id],
      });
      expect(created.status).toBe(201);
      const chatId = created.body.id;
      await boris.socket.next((f) => f.type === 'chat.created' && (f.data as { id: string }).id === chatId);
      const sent = await boris.api.call('POST', `/api/chats/${chatId}/messages`, {
        text: 'over NATS, as its own user',
        clientId: 'trust-1',
      });
      expect(sent.status).toBe(201);
      const pushed = await anna.socket.next((f) => f.type === 'message.created' && (f.data as { clientId: string }).clientId === 'trust-1');
      expect(pushed.data).toMatchObject({ text: 'over NATS, as its own user' });

      // gateway → health.<service> for every service; each answers its own.
      const health = await fetch(`${stack.gatewayUrl()}/healthz`);
      expect(health.status).toBe(200);

      // groups writes a fact on JetStream, and calls reads and acknowledges it.
      const removed = await anna.api.call('DELETE', `/api/chats/${chatId}/members/${carl.id}`);
      expect(removed.status).toBeLessThan(300);
      const fact = await jsm.streams.getMessage(STREAMS.groups.name, { last_by_subj: EVENT.memberRemoved });
      expect(fact!.json()).toMatchObject({ chatId, userIds: [carl.id] });
      await until(
        async () => (await jsm.consumers.info(STREAMS.groups.name, 'calls-group-facts')).ack_floor.stream_seq >= fact!.seq,
        'calls to acknowledge the chat fact',
      );

      // calls asks groups and users, writes call facts, and groups reads and acknowledges them.
      const call = await anna.api.call<{ call: { id: string } }>('POST', '/api/calls', { chatId, type: 'audio' });
      expect(call.status).toBe(201);
      await boris.socket.next((f) => f.type === 'call.incoming');
      expect((await anna.api.call('POST', `/api/calls/${call.body.call.id}/end`)).status).toBe(200);
      const ended = await jsm.streams.getMessage(STREAMS.calls.name, { last_by_subj: EVENT.callEnded });
      await until(
        async () => (await jsm.consumers.info(STREAMS.calls.name, 'groups-call-facts')).ack_floor.stream_seq >= ended!.seq,
        'groups to acknowledge the call fact',
      );

      // users → gateway.session.ended → every gateway closes that session's sockets.
      expect((await boris.api.call('POST', '/api/auth/logout')).status).toBeLessThan(300);
      await until(() => boris.socket.closed !== undefined, "the signed-out session's socket to close");
    } finally {
      for (const person of [anna, boris, carl]) await person.socket.close();
    }
  });

  it('refused nothing but the test connections above: the map covers what the services and gateway do', async () => {
    await sleep(500);
    const violations = natsLog.filter((line) => /violation/i.test(line) && !line.includes(TEST_CONNECTION));
    expect(violations).toEqual([]);
    expect(
      natsLog.some((line) => /violation/i.test(line) && line.includes(TEST_CONNECTION)),
      'the server logs refusals',
    ).toBe(true);
  });
});
