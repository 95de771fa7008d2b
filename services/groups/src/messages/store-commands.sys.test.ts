import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBJECT } from '@messenger/contracts';
import { requestService } from '@messenger/kit';
import type { Stack } from '@messenger/kit/stack';
import {
  ApiClient,
  readStoreCommands,
  startTestStack,
  storeCommandsBetween,
  TestSocket,
  withoutReadMarkFlush,
} from '@messenger/kit/testing';

const WINDOW = 50;

/**
 * The store takes inserts only on the paths every user hits (FACTS.md: every read, update and delete of the
 * local store scans the whole collection). Counted by the services' own `messenger_store_commands_total`, so a
 * path that starts touching the store again fails here, whatever the trace sampling.
 */
describe('store commands on the paths every user hits', () => {
  let stack: Stack;
  let nats: NatsConnection;
  const people: { api: ApiClient; id: string; socket?: TestSocket }[] = [];
  let chatId: string;
  const wsUrl = (token: string) => `${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${token}`;
  const measure = async <T>(work: () => Promise<T>, services: ('groups' | 'users')[] = ['groups', 'users']) => {
    const before = await readStoreCommands(stack, services);
    const result = await work();
    return { result, commands: storeCommandsBetween(before, await readStoreCommands(stack, services)) };
  };

  beforeAll(async () => {
    stack = await startTestStack('store-commands', { replicas: { calls: 0 }, env: { RECENT_WINDOW: String(WINDOW) } });
    nats = await connect(stack.natsLogin());
    for (const name of ['Анна', 'Борис', 'Вера']) {
      const api = new ApiClient(stack.gatewayUrl());
      const user = await api.register(`sc_${randomBytes(4).toString('hex')}`, name);
      people.push({ api, id: user.id });
    }
    const [anna, boris, vera] = people;
    const made = await anna!.api.call<{ id: string }>('POST', '/api/chats', {
      type: 'group',
      name: 'Счёт',
      memberIds: [boris!.id, vera!.id],
    });
    chatId = made.body.id;
    for (const person of [anna!, boris!]) {
      person.socket = await TestSocket.open(wsUrl(person.api.accessToken!));
      await person.socket.next((f) => f.type === 'ready');
    }
    // More than the recent window holds, so older pages exist.
    for (let i = 0; i < WINDOW + 10; i++) {
      const sent = await anna!.api.call('POST', `/api/chats/${chatId}/messages`, { text: `раз ${i}`, clientId: `warm-${i}` });
      expect(sent.status).toBe(201);
    }
  }, 180_000);

  afterAll(async () => {
    for (const person of people) await person.socket?.close();
    await nats?.close();
    await stack?.stop();
  });

  it('a message send makes exactly one, the insert of the message', async () => {
    const [anna, boris] = people;
    const { result, commands } = await measure(async () => {
      const sent = await anna!.api.call<{ id: string }>('POST', `/api/chats/${chatId}/messages`, {
        text: 'одна вставка',
        clientId: 'count-1',
      });
      await boris!.socket!.next((f) => f.type === 'message.created' && (f.data as { id: string }).id === sent.body.id);
      return sent;
    });
    expect(result.status).toBe(201);
    expect(withoutReadMarkFlush(commands)).toEqual({ 'insert messages': 1 });
  });

  it('a retried send (same clientId) makes none and answers with the first message', async () => {
    const [anna] = people;
    const first = await anna!.api.call<{ id: string; seq: number }>('POST', `/api/chats/${chatId}/messages`, {
      text: 'дважды',
      clientId: 'twice',
    });
    const { result, commands } = await measure(() =>
      anna!.api.call<{ id: string; seq: number }>('POST', `/api/chats/${chatId}/messages`, { text: 'дважды', clientId: 'twice' }),
    );
    expect(result.body).toEqual(first.body);
    expect(withoutReadMarkFlush(commands)).toEqual({});
  });

  it('a socket open (with presence told to every contact) makes none', async () => {
    const [anna, , vera] = people;
    const { commands } = await measure(async () => {
      vera!.socket = await TestSocket.open(wsUrl(vera!.api.accessToken!));
      await vera!.socket.next((f) => f.type === 'ready');
      // Anna shares a chat with Vera: she hears Vera come online, so the contacts lookup ran.
      await anna!.socket!.next((f) => f.type === 'presence' && (f.data as { userId: string; online: boolean }).userId === vera!.id);
    });
    expect(withoutReadMarkFlush(commands)).toEqual({});
  });

  it('a page of recent history makes none; a page older than the window makes one find', async () => {
    const [, boris] = people;
    const recent = await measure(() => boris!.api.call<{ items: { seq: number }[] }>('GET', `/api/chats/${chatId}/messages?limit=30`));
    expect(recent.result.status).toBe(200);
    expect(recent.result.body.items).toHaveLength(30);
    expect(withoutReadMarkFlush(recent.commands)).toEqual({});

    // The window holds the newest WINDOW messages; a page before its lowest one is the store's to answer.
    const belowWindow = recent.result.body.items[0]!.seq - WINDOW + 1;
    const older = await measure(() =>
      boris!.api.call<{ items: { seq: number }[] }>('GET', `/api/chats/${chatId}/messages?limit=30&before=${belowWindow}`),
    );
    expect(older.result.status).toBe(200);
    expect(older.result.body.items.length).toBeGreaterThan(0);
    expect(withoutReadMarkFlush(older.commands)).toEqual({ 'find messages': 1 });
  });

  it('a read receipt, typing, the chat list and a chat view make none in the groups service', async () => {
    const [, boris] = people;
    const page = await boris!.api.call<{ items: { id: string }[] }>('GET', `/api/chats/${chatId}/messages?limit=1`);
    const { commands } = await measure(async () => {
      expect((await boris!.api.call('POST', `/api/chats/${chatId}/read`, { messageId: page.body.items[0]!.id })).status).toBe(200);
      boris!.socket!.send({ type: 'typing', data: { chatId } });
      await people[0]!.socket!.next((f) => f.type === 'typing');
      expect((await boris!.api.call('GET', '/api/chats')).status).toBe(200);
      expect((await boris!.api.call('GET', `/api/chats/${chatId}`)).status).toBe(200);
    }, ['groups']);
    expect(withoutReadMarkFlush(commands)).toEqual({});
  });

  it('the calls service’s membership question makes none', async () => {
    const [anna] = people;
    const { result, commands } = await measure(() => requestService(nats, SUBJECT.groups.membership, { chatId, userId: anna!.id }));
    expect(result.ok).toBe(true);
    expect(withoutReadMarkFlush(commands)).toEqual({});
  });

  it('parallel sends into one chat overlap: they reach the store in fewer inserts than messages, and are pushed in seq order', async () => {
    const [anna, boris, vera] = people;
    const SENDS = 40;
    const { result, commands } = await measure(
      () =>
        Promise.all(
          Array.from({ length: SENDS }, (_, i) =>
            [anna!, vera!][i % 2]!.api.call<{ id: string; seq: number }>('POST', `/api/chats/${chatId}/messages`, {
              text: `вместе ${i}`,
              clientId: `together-${i}`,
            }),
          ),
        ),
      ['groups'],
    );
    expect(result.map((r) => r.status).filter((status) => status !== 201)).toEqual([]);
    // One send at a time per chat would be one insert each; overlapping, they share the group commit.
    expect(withoutReadMarkFlush(commands)['insert messages']).toBeLessThan(SENDS);
    const sent = new Set(result.map((r) => r.body.id));
    const seen = () =>
      boris!
        .socket!.frames.filter((f) => f.type === 'message.created' && sent.has((f.data as { id: string }).id))
        .map((f) => (f.data as { seq: number }).seq);
    await expect.poll(() => seen().length, { timeout: 10_000 }).toBe(SENDS);
    // One replica: the pushes arrive in the order of their numbers, with no reordering left for the client.
    expect(seen()).toEqual([...seen()].sort((a, b) => a - b));
  });
});
