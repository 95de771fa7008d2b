import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, chatHistory, startTestStack, TestSocket, type Frame, type HistoryMessage } from '@messenger/kit/testing';

// The topology of a scaled deployment, on this machine: two gateways and two replicas of every service on
// one NATS, Redis, FerretDB and LiveKit; then its parts are killed while people keep using it.

interface Person {
  api: ApiClient;
  id: string;
  socket: TestSocket;
  gateway: number;
}

const wsUrl = (stack: Stack, gateway: number, token: string) =>
  `${stack.gatewayUrl(gateway).replace('http', 'ws')}/ws?access_token=${token}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
};
const messagesOf = (socket: TestSocket, chatId: string) =>
  socket.frames
    .filter((f: Frame) => f.type === 'message.created' && (f.data as HistoryMessage).chatId === chatId)
    .map((f) => f.data as HistoryMessage);

/** Sends like a client that retries on failure with the same clientId, as the web client does. */
const sendWithRetry = async (api: ApiClient, chatId: string, text: string, clientId: string) => {
  for (let attempt = 0; attempt < 30; attempt++) {
    const result = await api.call<HistoryMessage>('POST', `/api/chats/${chatId}/messages`, { text, clientId }).catch(() => ({ status: 0 }));
    if (result.status === 201 || result.status === 200) return attempt;
    await sleep(200);
  }
  throw new Error(`message ${clientId} was never accepted`);
};

const history = (api: ApiClient, chatId: string, after = 0) => chatHistory<HistoryMessage>(api, chatId, after);

describe('scale-out: two gateways and two replicas of every service', () => {
  let stack: Stack;
  let anna: Person;
  let boris: Person;
  let chatId: string;

  beforeAll(async () => {
    stack = await startTestStack('scale-out', {
      gateways: 2,
      replicas: { users: 2, groups: 2, calls: 2 },
      withLiveKit: true,
      env: { NATS_REQUEST_TIMEOUT_MS: '2000', CALL_STARTS_PER_MINUTE: '30' },
    });
    const join = async (name: string, gateway: number): Promise<Person> => {
      const api = new ApiClient(stack.gatewayUrl(gateway));
      const { id } = await api.register(`${name}_${randomBytes(3).toString('hex')}`, name);
      return { api, id, gateway, socket: await TestSocket.open(wsUrl(stack, gateway, api.accessToken!)) };
    };
    anna = await join('anna', 0);
    boris = await join('boris', 1);
    chatId = (await anna.api.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Scale', memberIds: [boris.id] })).body.id;
  });
  afterAll(async () => {
    await anna?.socket.close();
    await boris?.socket.close();
    await stack?.stop();
  });

  it('delivers every message to members on either gateway exactly once', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 40; i++) {
      const from = i % 2 ? boris : anna;
      const clientId = `once${i}`;
      sent.push(clientId);
      expect((await from.api.call('POST', `/api/chats/${chatId}/messages`, { text: `m${i}`, clientId })).status).toBe(201);
    }
    for (const person of [anna, boris])
      await until(
        () => messagesOf(person.socket, chatId).filter((m) => sent.includes(m.clientId ?? '')).length >= 40,
        10_000,
        'all pushes',
      );
    await sleep(500);
    for (const person of [anna, boris]) {
      const seen = messagesOf(person.socket, chatId).filter((m) => sent.includes(m.clientId ?? ''));
      expect(seen).toHaveLength(40);
      expect(new Set(seen.map((m) => m.seq)).size).toBe(40);
    }
  });

  it('shares the requests of each service between both of its replicas (NATS queue groups)', async () => {
    // The RPC connection of each replica (`users-rpc-<pid>`) answers the requests its queue group hands it.
    const replies = async () => {
      const connz = (await (await fetch(`${stack.nats!.monitorUrl}/connz?limit=1024`)).json()) as {
        connections: { name?: string; out_msgs: number }[];
      };
      return new Map(connz.connections.filter((c) => c.name?.startsWith('users-rpc-')).map((c) => [c.name!, c.out_msgs]));
    };
    const before = await replies();
    expect(before.size).toBe(2);
    await Promise.all(Array.from({ length: 80 }, (_, i) => (i % 2 ? anna : boris).api.call('GET', '/api/users/me')));
    const after = await replies();
    for (const [name, count] of before) expect(after.get(name)! - count, name).toBeGreaterThan(10);
  });

  it('rings a user on gateway B when a call starts through gateway A', async () => {
    const started = await anna.api.call<{ call: { id: string } }>('POST', '/api/calls', { chatId, type: 'audio' });
    expect(started.status).toBe(201);
    const incoming = await boris.socket.next(
      (f) => f.type === 'call.incoming' && (f.data as { call: { id: string } }).call.id === started.body.call.id,
      5_000,
    );
    expect((incoming.data as { ring: boolean }).ring).toBe(true);
    expect((await anna.api.call('POST', `/api/calls/${started.body.call.id}/end`)).status).toBe(200);
    await boris.socket.next((f) => f.type === 'call.ended' && (f.data as { id: string }).id === started.body.call.id, 5_000);
  });

  it.each(['users', 'groups', 'calls'] as const)(
    'loses and duplicates no accepted message, and fails no action beyond a retry, when a %s replica is killed -9 mid-stream',
    async (service) => {
      const clientIds = Array.from({ length: 30 }, (_, i) => `${service}${i}_${randomBytes(2).toString('hex')}`);
      let retries = 0;
      /** A call action as a client does it: retried on failure; an end that finds the call over is done. */
      const callAction = async (action: () => Promise<{ status: number }>, done: number[]) => {
        for (let attempt = 0; attempt < 30; attempt++) {
          const { status } = await action().catch(() => ({ status: 0 }));
          if (done.includes(status)) return;
          retries++;
          await sleep(200);
        }
        throw new Error('a call action never succeeded');
      };
      const stream = (async () => {
        for (const [i, clientId] of clientIds.entries()) {
          const who = i % 2 ? boris : anna;
          retries += await sendWithRetry(who.api, chatId, `${service} ${i}`, clientId);
          await callAction(() => who.api.call('GET', '/api/users/me'), [200]);
          if (i % 10 === 5) {
            let callId = '';
            await callAction(async () => {
              const started = await anna.api.call<{ call: { id: string } }>('POST', '/api/calls', { chatId, type: 'audio' });
              callId = started.body?.call?.id ?? '';
              return started;
            }, [200, 201]);
            await callAction(() => anna.api.call('POST', `/api/calls/${callId}/end`), [200, 404, 409]);
          }
        }
      })();
      await until(
        async () => (await history(anna.api, chatId)).some((m) => m.clientId === clientIds[8]),
        20_000,
        'the stream to get going',
      );
      await stack.services[service][0]!.kill9();
      await stream;
      const stored = (await history(anna.api, chatId)).filter((m) => clientIds.includes(m.clientId ?? ''));
      expect(stored.map((m) => m.clientId).sort()).toEqual([...clientIds].sort());
      expect(new Set(stored.map((m) => m.seq)).size).toBe(clientIds.length);
      console.log(
        `${service} replica killed mid-stream: ${clientIds.length} of ${clientIds.length} messages stored once; ${retries} retries`,
      );
      await stack.services[service][0]!.restart();
    },
  );

  it('lets the clients of a killed gateway reconnect to the other one and re-sync with nothing missed', async () => {
    const seen = Math.max(0, ...messagesOf(boris.socket, chatId).map((m) => m.seq));
    await stack.gateways[1]!.kill9();
    await until(() => boris.socket.closed !== undefined, 5_000, "Boris's socket to close");
    const missed: string[] = [];
    for (let i = 0; i < 5; i++) {
      missed.push(`while-away-${i}`);
      expect((await anna.api.call('POST', `/api/chats/${chatId}/messages`, { text: `away ${i}`, clientId: missed[i] })).status).toBe(201);
    }
    // The client reconnects through the load balancer to the live gateway, and asks for what came after its last one.
    const api = new ApiClient(stack.gatewayUrl(0));
    api.accessToken = boris.api.accessToken;
    boris = { ...boris, api, gateway: 0, socket: await TestSocket.open(wsUrl(stack, 0, api.accessToken!)) };
    const caughtUp = await history(api, chatId, seen);
    expect(caughtUp.filter((m) => missed.includes(m.clientId ?? '')).map((m) => m.clientId)).toEqual(missed);
    // And pushes reach him live again on the other gateway.
    await anna.api.call('POST', `/api/chats/${chatId}/messages`, { text: 'welcome back', clientId: 'after-reconnect' });
    await boris.socket.next((f) => f.type === 'message.created' && (f.data as HistoryMessage).clientId === 'after-reconnect', 5_000);
    await stack.gateways[1]!.restart();
  });

  it('recovers by itself when NATS restarts: requests work again and JetStream consumers resume where they stopped', async () => {
    await stack.nats!.stop();
    await sleep(500);
    await stack.nats!.restart();
    const back = Date.now();
    await until(async () => (await anna.api.call('GET', '/api/users/me')).status === 200, 30_000, 'requests to succeed again');
    await until(async () => (await boris.api.call('GET', `/api/chats/${chatId}`)).status === 200, 30_000, 'groups to answer again');
    console.log(`after the NATS restart, requests succeeded again within ${Date.now() - back} ms`);
    // A call ended now becomes a chat line only through the groups service's durable JetStream consumer.
    const started = await anna.api.call<{ call: { id: string } }>('POST', '/api/calls', { chatId, type: 'video' });
    expect(started.status).toBe(201);
    expect((await anna.api.call('POST', `/api/calls/${started.body.call.id}/end`)).status).toBe(200);
    await until(
      async () =>
        (await history(anna.api, chatId)).some(
          (m) =>
            (m as unknown as { system?: { kind: string; details?: { callId?: string } } }).system?.details?.callId === started.body.call.id,
        ),
      20_000,
      'the call line written by the JetStream consumer',
    );
  });

  it('keeps a live call through a Redis restart (its sessions are on disk), or ends it cleanly: never a stuck session', async () => {
    const started = await anna.api.call<{ call: { id: string } }>('POST', '/api/calls', { chatId, type: 'audio' });
    expect(started.status).toBe(201);
    const callId = started.body.call.id;
    await stack.redis!.stop();
    await sleep(300);
    await stack.redis!.restart();
    await until(async () => (await boris.api.call('GET', '/api/calls/active')).status === 200, 30_000, 'calls to answer again');
    const joined = await boris.api.call<{ call: { id: string; status: string } }>('POST', `/api/calls/${callId}/join`);
    // Either the call survived and Boris is in it, or it ended with a stated reason; both are clean.
    expect([200, 409]).toContain(joined.status);
    if (joined.status === 200) expect(joined.body.call.status).toBe('active');
    await anna.api.call('POST', `/api/calls/${callId}/end`);
    const again = await anna.api.call<{ call: { id: string } }>('POST', '/api/calls', { chatId, type: 'audio' });
    expect(again.status).toBe(201);
    expect(again.body.call.id).not.toBe(callId);
    expect((await anna.api.call('POST', `/api/calls/${again.body.call.id}/end`)).status).toBe(200);
  });
});
