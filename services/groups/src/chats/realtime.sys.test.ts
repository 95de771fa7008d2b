import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack, TestSocket, type Frame } from '@messenger/kit/testing';

type ChatBody = {
  id: string;
  name: string;
  type: string;
  participants: { user: { id: string }; role: string }[];
  unreadCount: number;
  othersReadSeq: number;
  lastMessage: { text: string } | null;
};

describe('groups in real time, over two gateways', () => {
  let stack: Stack;
  const people: Record<'anna' | 'boris' | 'clara', { api: ApiClient; id: string; socket: TestSocket }> = {} as never;

  beforeAll(async () => {
    stack = await startTestStack('groups-rt', { gateways: 2, replicas: { calls: 0 } });
    const names = { anna: 'Анна', boris: 'Борис', clara: 'Клара' } as const;
    let i = 0;
    for (const [key, name] of Object.entries(names) as [keyof typeof names, string][]) {
      const gateway = i++ % 2;
      const api = new ApiClient(stack.gatewayUrl(gateway));
      const { id } = await api.register(`${key}_${randomBytes(3).toString('hex')}`, name);
      const socket = await TestSocket.open(`${stack.gatewayUrl(gateway).replace('http', 'ws')}/ws?access_token=${api.accessToken}`);
      people[key] = { api, id, socket };
    }
  });
  afterAll(async () => {
    for (const p of Object.values(people)) await p.socket?.close();
    await stack?.stop();
  });

  const count = (socket: TestSocket, match: (f: Frame) => boolean) => socket.frames.filter(match).length;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

  it('creates a group, delivers each message once, and cuts off a removed member at once', async () => {
    const { anna, boris, clara } = people;
    const created = await anna.api.call<ChatBody>('POST', '/api/chats', { type: 'group', name: 'Дача', memberIds: [boris.id, clara.id] });
    expect(created.status).toBe(201);
    const chatId = created.body.id;
    expect(created.body.participants.map((p) => p.role)).toEqual(['owner', 'member', 'member']);

    for (const person of [boris, clara]) {
      const frame = await person.socket.next((f) => f.type === 'chat.created' && (f.data as ChatBody).id === chatId);
      expect((frame.data as ChatBody).name).toBe('Дача');
    }

    const sent = await anna.api.call<{ id: string; seq: number }>('POST', `/api/chats/${chatId}/messages`, {
      text: 'Привет всем!',
      clientId: 'm1',
    });
    expect(sent.status).toBe(201);
    const isHello = (f: Frame) => f.type === 'message.created' && (f.data as { id: string }).id === sent.body.id;
    await boris.socket.next(isHello);
    await clara.socket.next(isHello);
    // A retried send with the same clientId returns the same message and sends nothing again.
    const retried = await anna.api.call<{ id: string }>('POST', `/api/chats/${chatId}/messages`, { text: 'Привет всем!', clientId: 'm1' });
    expect(retried.body.id).toBe(sent.body.id);
    await settle();
    expect(count(boris.socket, isHello)).toBe(1);
    expect(count(clara.socket, isHello)).toBe(1);

    const removed = await anna.api.call('DELETE', `/api/chats/${chatId}/members/${clara.id}`);
    expect(removed.status).toBe(204);
    const gone = await clara.socket.next((f) => f.type === 'chat.member.removed' && (f.data as { chatId: string }).chatId === chatId);
    expect(gone.data).toMatchObject({ userIds: [clara.id] });

    const after = await anna.api.call<{ id: string }>('POST', `/api/chats/${chatId}/messages`, { text: 'Клара ушла' });
    await boris.socket.next((f) => f.type === 'message.created' && (f.data as { id: string }).id === after.body.id);
    await settle();
    expect(clara.socket.frames.some((f) => f.type === 'message.created' && (f.data as { id: string }).id === after.body.id)).toBe(false);
    // And the chat is now a 404 for her, like any chat she is not in.
    expect((await clara.api.call('GET', `/api/chats/${chatId}`)).status).toBe(404);
    expect((await clara.api.call('GET', `/api/chats/${chatId}/messages`)).status).toBe(404);
  });

  it('numbers messages sent at the same moment uniquely and keeps every one', async () => {
    const { anna, boris, clara } = people;
    const chat = (await anna.api.call<ChatBody>('POST', '/api/chats', { type: 'group', name: 'Гонка', memberIds: [boris.id, clara.id] }))
      .body;
    const senders = [anna, boris, clara];
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        senders[i % 3]!.api.call<{ id: string; seq: number }>('POST', `/api/chats/${chat.id}/messages`, { text: `m${i}` }),
      ),
    );
    expect(sent.map((r) => r.status)).toEqual(Array(30).fill(201));
    expect(new Set(sent.map((r) => r.body.seq)).size).toBe(30);
    expect(new Set(sent.map((r) => r.body.id)).size).toBe(30);
    const history = (await anna.api.call<{ items: { id: string }[] }>('GET', `/api/chats/${chat.id}/messages?limit=100`)).body.items;
    expect(history.map((m) => m.id)).toEqual(expect.arrayContaining(sent.map((r) => r.body.id)));
  });

  it('relays typing to the other members only, and never stores it', async () => {
    const { anna, boris, clara } = people;
    const chat = (await anna.api.call<ChatBody>('POST', '/api/chats', { type: 'group', name: 'Typing', memberIds: [boris.id] })).body;
    anna.socket.send({ type: 'typing', data: { chatId: chat.id } });
    await boris.socket.next((f) => f.type === 'typing' && (f.data as { chatId: string }).chatId === chat.id);
    clara.socket.send({ type: 'typing', data: { chatId: chat.id } }); // not a member: dropped
    await settle();
    expect(count(boris.socket, (f) => f.type === 'typing' && (f.data as { userId: string }).userId === clara.id)).toBe(0);
    expect(count(anna.socket, (f) => f.type === 'typing' && (f.data as { chatId: string }).chatId === chat.id)).toBe(0);
  });

  it('opens the same personal chat for a pair, also when both ask at once, named after the other person', async () => {
    const { anna, boris } = people;
    const [a, b] = await Promise.all([
      anna.api.call<ChatBody>('POST', '/api/chats/personal', { userId: boris.id }),
      boris.api.call<ChatBody>('POST', '/api/chats/personal', { userId: anna.id }),
    ]);
    expect(a.status).toBe(200);
    expect(a.body.id).toBe(b.body.id);
    expect(a.body.name).toBe('Борис');
    expect(b.body.name).toBe('Анна');
    const again = await anna.api.call<ChatBody>('POST', '/api/chats/personal', { userId: boris.id });
    expect(again.body.id).toBe(a.body.id);
  });

  it('lists my chats by last activity with unread counts that reading clears', async () => {
    const { anna, boris } = people;
    const chat = (await anna.api.call<ChatBody>('POST', '/api/chats', { type: 'group', name: 'Непрочитанное', memberIds: [boris.id] }))
      .body;
    // Creating it is not news to its creator; for Boris the "created" line is unread, and the preview
    // carries the event so his list can word it in his language.
    const mine = (await anna.api.call<{ items: ChatBody[] }>('GET', '/api/chats')).body.items.find((c) => c.id === chat.id)!;
    expect(mine.unreadCount).toBe(0);
    const his = (await boris.api.call<{ items: ChatBody[] }>('GET', '/api/chats')).body.items.find((c) => c.id === chat.id)!;
    expect(his.unreadCount).toBe(1);
    expect(his.lastMessage).toMatchObject({ kind: 'system', system: { kind: 'chat.created', actorId: anna.id, targetIds: [boris.id] } });
    const m1 = await anna.api.call<{ id: string }>('POST', `/api/chats/${chat.id}/messages`, { text: 'раз' });
    await anna.api.call('POST', `/api/chats/${chat.id}/messages`, { text: 'два' });
    const list = (await boris.api.call<{ items: ChatBody[] }>('GET', '/api/chats')).body.items;
    expect(list[0]!.id).toBe(chat.id);
    expect(list[0]!.lastMessage?.text).toBe('два');
    expect(list[0]!.unreadCount).toBe(3); // the "created" system line and two messages
    const read = await boris.api.call<{ unreadCount: number }>('POST', `/api/chats/${chat.id}/read`, { messageId: m1.body.id });
    expect(read.body.unreadCount).toBe(1);
    const own = (await anna.api.call<{ items: ChatBody[] }>('GET', '/api/chats')).body.items.find((c) => c.id === chat.id)!;
    expect(own.unreadCount).toBe(0);
    // Read ticks: Anna sees Boris got as far as "раз" (seq 2); Boris sees Anna read all she sent (seq 3).
    expect(own.othersReadSeq).toBe(2);
    const borisView = (await boris.api.call<ChatBody>('GET', `/api/chats/${chat.id}`)).body;
    expect(borisView.othersReadSeq).toBe(3);
    // A change pushes each member their own view: their own unread count, as their next GET will show it.
    const renamed = (f: Frame) =>
      f.type === 'chat.updated' && (f.data as ChatBody).id === chat.id && (f.data as ChatBody).name === 'Прочитанное';
    expect((await anna.api.call('PATCH', `/api/chats/${chat.id}`, { name: 'Прочитанное' })).status).toBe(200);
    const [annaPush, borisPush] = await Promise.all([anna.socket.next(renamed), boris.socket.next(renamed)]);
    expect((annaPush.data as ChatBody).unreadCount).toBe(0);
    const borisAfter = (await boris.api.call<ChatBody>('GET', `/api/chats/${chat.id}`)).body;
    expect(borisAfter.unreadCount).toBeGreaterThan(0);
    expect((borisPush.data as ChatBody).unreadCount).toBe(borisAfter.unreadCount);
  });

  it('hands ownership to the longest-standing admin, else member, and deletes the group when the last one leaves', async () => {
    const { anna, boris, clara } = people;
    const chat = (
      await anna.api.call<ChatBody>('POST', '/api/chats', { type: 'group', name: 'Наследство', memberIds: [boris.id, clara.id] })
    ).body;
    await anna.api.call('PATCH', `/api/chats/${chat.id}/members/${clara.id}`, { role: 'admin' });
    expect((await anna.api.call('DELETE', `/api/chats/${chat.id}/members/${anna.id}`)).status).toBe(204);
    const afterOwner = (await boris.api.call<ChatBody>('GET', `/api/chats/${chat.id}`)).body;
    expect(afterOwner.participants.find((p) => p.user.id === clara.id)?.role).toBe('owner'); // the admin, though Boris joined first

    await clara.api.call('DELETE', `/api/chats/${chat.id}/members/${clara.id}`);
    expect((await boris.api.call<ChatBody>('GET', `/api/chats/${chat.id}`)).body.participants.map((p) => p.role)).toEqual(['owner']);
    await boris.api.call('DELETE', `/api/chats/${chat.id}/members/${boris.id}`);
    await boris.socket.next((f) => f.type === 'chat.deleted' && (f.data as { chatId: string }).chatId === chat.id);
    expect((await boris.api.call('GET', `/api/chats/${chat.id}`)).status).toBe(404);
  });
});
