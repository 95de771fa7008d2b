import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack, TestSocket } from '@messenger/kit/testing';

interface Person {
  api: ApiClient;
  id: string;
  socket: TestSocket;
}
type Message = { id: string; seq: number; clientId: string | null; kind: string };
type ChatView = { unreadCount: number; participants: { user: { id: string }; role: string }[] };

/** Requests each groups replica has answered so far (its RPC connection's outgoing messages, from NATS). */
const answersByReplica = async (stack: Stack): Promise<number[]> => {
  const connz = (await (await fetch(`${stack.nats!.monitorUrl}/connz?limit=1024`)).json()) as {
    connections: { name?: string; out_msgs: number }[];
  };
  return connz.connections.filter((c) => c.name?.startsWith('groups-rpc-')).map((c) => c.out_msgs);
};

/**
 * Two groups replicas share one chat's traffic (NATS hands each request to either). Their caches must agree with
 * the store and with each other before the next request, whichever replica it reaches.
 */
describe('groups replicas: one chat, two caches, no stale answer', () => {
  let stack: Stack;
  let owner: Person;
  const members: Person[] = [];
  let chatId: string;

  const join = async (name: string): Promise<Person> => {
    const api = new ApiClient(stack.gatewayUrl());
    const { id } = await api.register(`${name}_${randomBytes(3).toString('hex')}`, name);
    const socket = await TestSocket.open(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${api.accessToken}`);
    await socket.next((f) => f.type === 'ready');
    return { api, id, socket };
  };
  const history = async (as: ApiClient): Promise<Message[]> => {
    const all: Message[] = [];
    for (let after = 0; ;) {
      const page = await as.call<{ items: Message[]; nextCursor: string | null }>(
        'GET',
        `/api/chats/${chatId}/messages?after=${after}&limit=100`,
      );
      expect(page.status).toBe(200);
      all.push(...page.body.items);
      if (!page.body.nextCursor) return all;
      after = Number(page.body.nextCursor);
    }
  };
  const pushed = (person: Person) =>
    person.socket.frames
      .filter((f) => f.type === 'message.created' && (f.data as { chatId: string }).chatId === chatId)
      .map((f) => f.data as Message);

  beforeAll(async () => {
    stack = await startTestStack('groups-replicas', { replicas: { groups: 2, calls: 0 } });
    owner = await join('owner');
    for (let i = 0; i < 6; i++) members.push(await join(`m${i}`));
    const made = await owner.api.call<{ id: string }>('POST', '/api/chats', {
      type: 'group',
      name: 'Реплики',
      memberIds: members.map((m) => m.id),
    });
    chatId = made.body.id;
  }, 180_000);

  afterAll(async () => {
    for (const person of [owner, ...members]) await person?.socket.close();
    await stack?.stop();
  });

  it('parallel sends from many clients, with member changes among them: each stored once, pushed once to each member, unread counts as each member sees them', async () => {
    const visitor = await join('visitor');
    const sends = members.flatMap((m, i) => Array.from({ length: 12 }, (_, j) => ({ who: m, clientId: `p${i}-${j}`, text: `${i}:${j}` })));
    const changes = (async () => {
      for (let round = 0; round < 3; round++) {
        expect((await owner.api.call('POST', `/api/chats/${chatId}/members`, { userIds: [visitor.id] })).status).toBe(200);
        expect((await owner.api.call('PATCH', `/api/chats/${chatId}/members/${members[0]!.id}`, { role: 'admin' })).status).toBe(200);
        expect((await owner.api.call('DELETE', `/api/chats/${chatId}/members/${visitor.id}`)).status).toBe(204);
        expect((await owner.api.call('PATCH', `/api/chats/${chatId}/members/${members[0]!.id}`, { role: 'member' })).status).toBe(200);
      }
    })();
    const results = await Promise.all(
      sends.map((s) => s.who.api.call<Message>('POST', `/api/chats/${chatId}/messages`, { text: s.text, clientId: s.clientId })),
    );
    await changes;
    expect(results.map((r) => r.status).filter((status) => status !== 201)).toEqual([]);

    const stored = await history(owner.api);
    const ours = stored.filter((m) => m.clientId && sends.some((s) => s.clientId === m.clientId));
    expect(ours.map((m) => m.clientId).sort()).toEqual(sends.map((s) => s.clientId).sort());
    expect(new Set(stored.map((m) => m.seq)).size).toBe(stored.length);
    // Both replicas took part.
    expect((await answersByReplica(stack)).every((count) => count > 10)).toBe(true);

    // Each member's socket got each message exactly once, and the merge by seq a client does gives the history.
    const sent = new Set(ours.map((m) => m.id));
    for (const person of [owner, ...members]) {
      await expect.poll(() => pushed(person).filter((m) => sent.has(m.id)).length, { timeout: 10_000 }).toBe(sent.size);
      const ids = pushed(person).map((m) => m.id);
      expect(ids.length).toBe(new Set(ids).size);
      const merged = [...pushed(person)].sort((a, b) => a.seq - b.seq).map((m) => m.seq);
      expect(merged).toEqual(stored.filter((m) => merged.includes(m.seq)).map((m) => m.seq));
    }

    // Unread: what the member has not read is everything after the last message they sent (sending reads).
    for (const member of members) {
      const lastOwn = Math.max(
        ...stored.filter((m) => results.some((r, i) => sends[i]!.who === member && r.body.id === m.id)).map((m) => m.seq),
      );
      const view = await member.api.call<ChatView>('GET', `/api/chats/${chatId}`);
      expect(view.body.unreadCount, member.id).toBe(stored.filter((m) => m.seq > lastOwn).length);
    }
    await visitor.socket.close();
  }, 180_000);

  it('a demotion and a removal hold on both replicas from the very next request', async () => {
    const [boris] = members;
    expect((await owner.api.call('PATCH', `/api/chats/${chatId}/members/${boris!.id}`, { role: 'admin' })).status).toBe(200);
    // Both replicas cache Boris as an admin: he renames the chat through either.
    for (let i = 0; i < 6; i++)
      expect((await boris!.api.call('PATCH', `/api/chats/${chatId}`, { description: `admin ${i}` })).status).toBe(200);

    expect((await owner.api.call('PATCH', `/api/chats/${chatId}/members/${boris!.id}`, { role: 'member' })).status).toBe(200);
    const before = await answersByReplica(stack);
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) => boris!.api.call('PATCH', `/api/chats/${chatId}`, { description: `member ${i}` })),
    );
    expect(attempts.map((a) => a.status)).toEqual(Array(12).fill(403));
    const after = await answersByReplica(stack);
    expect(after.every((count, i) => count > before[i]!)).toBe(true);

    expect((await owner.api.call('DELETE', `/api/chats/${chatId}/members/${boris!.id}`)).status).toBe(204);
    const sends = await Promise.all(
      Array.from({ length: 12 }, (_, i) => boris!.api.call('POST', `/api/chats/${chatId}/messages`, { text: `gone ${i}` })),
    );
    expect(sends.map((s) => s.status)).toEqual(Array(12).fill(404));
    const reads = await Promise.all(Array.from({ length: 6 }, () => boris!.api.call('GET', `/api/chats/${chatId}/messages`)));
    expect(reads.map((r) => r.status)).toEqual(Array(6).fill(404));
  });

  it('a replica killed (kill -9) mid-stream loses nothing: retried sends are stored once, every member gets each in seq order, unread counts hold', async () => {
    const writers = members.slice(2, 6);
    /** Sends like the web client: a failed or unanswered send is retried with the same clientId until it is accepted. */
    const sendUntilAccepted = async (who: Person, clientId: string, text: string): Promise<Message> => {
      for (let attempt = 0; attempt < 40; attempt++) {
        const result = await who.api
          .call<Message>('POST', `/api/chats/${chatId}/messages`, { text, clientId })
          .catch(() => ({ status: 0, body: undefined as unknown as Message }));
        if (result.status === 201) return result.body;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(`${clientId} never accepted`);
    };
    const accepted: { who: Person; message: Message }[] = [];
    const streams = writers.map(async (who, w) => {
      for (let j = 0; j < 25; j++) accepted.push({ who, message: await sendUntilAccepted(who, `k${w}-${j}`, `kill ${w}:${j}`) });
    });
    // Mid-stream: the first replica dies without a word, and comes back with an empty cache.
    await expect.poll(() => accepted.length, { timeout: 30_000 }).toBeGreaterThan(30);
    await stack.services.groups[0]!.kill9();
    await expect.poll(() => accepted.length, { timeout: 30_000 }).toBeGreaterThan(60);
    await stack.services.groups[0]!.restart();
    await Promise.all(streams);

    const stored = await history(owner.api);
    const ours = stored.filter((m) => m.clientId?.startsWith('k'));
    // Each accepted send is stored exactly once, whatever number of tries it took.
    expect(ours.map((m) => m.clientId).sort()).toEqual(accepted.map((a) => a.message.clientId).sort());
    expect(new Set(stored.map((m) => m.seq)).size).toBe(stored.length);
    // Every member has every message on its socket; merged by seq (as clients do) it is the stored order.
    const storedSeqs = ours.map((m) => m.seq);
    for (const person of [owner, ...members.filter((m) => m !== members[0])]) {
      await expect
        .poll(
          () =>
            new Set(
              pushed(person)
                .filter((m) => m.clientId?.startsWith('k'))
                .map((m) => m.id),
            ).size,
          { timeout: 15_000 },
        )
        .toBe(ours.length);
      const merged = [
        ...new Set(
          pushed(person)
            .filter((m) => m.clientId?.startsWith('k'))
            .map((m) => m.seq),
        ),
      ].sort((a, b) => a - b);
      expect(merged).toEqual(storedSeqs);
    }
    // Unread: everything after the writer's own last message (sending reads), as each writer's own view says.
    for (const writer of writers) {
      const lastOwn = Math.max(...accepted.filter((a) => a.who === writer).map((a) => a.message.seq));
      const view = await writer.api.call<ChatView>('GET', `/api/chats/${chatId}`);
      expect(view.body.unreadCount, writer.id).toBe(stored.filter((m) => m.seq > lastOwn).length);
    }
  }, 180_000);

  it('a replica restarted with an empty cache gives the same answers', async () => {
    const [, vera] = members;
    const ask = async () => ({
      list: (await vera!.api.call<{ items: unknown[] }>('GET', '/api/chats')).body,
      chat: (await vera!.api.call<ChatView>('GET', `/api/chats/${chatId}`)).body,
      page: (await vera!.api.call<{ items: Message[] }>('GET', `/api/chats/${chatId}/messages?limit=50`)).body,
    });
    const before = await ask();
    await stack.services.groups[0]!.kill9();
    await stack.services.groups[0]!.restart();
    // Only the restarted replica answers now.
    await stack.services.groups[1]!.stop();
    try {
      expect(await ask()).toEqual(before);
    } finally {
      await stack.services.groups[1]!.restart();
    }
  });
});
