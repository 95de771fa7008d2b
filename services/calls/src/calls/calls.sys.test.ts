import { randomBytes } from 'node:crypto';
import { RoomServiceClient } from 'livekit-server-sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack, TestSocket, type Frame } from '@messenger/kit/testing';

type CallBody = { id: string; status: string; endReason: string | null; participants: string[]; answeredAt: string | null };
type StartBody = { call: CallBody; join: { url: string; token: string } };
interface Person {
  api: ApiClient;
  id: string;
  socket: TestSocket;
}

describe('calls through the gateway, with LiveKit and Redis', () => {
  let stack: Stack;
  let redis: Redis;
  let rooms: RoomServiceClient;
  const p: Record<'anna' | 'boris' | 'clara' | 'dima' | 'eve', Person> = {} as never;

  beforeAll(async () => {
    stack = await startTestStack('calls', {
      withLiveKit: true,
      replicas: { calls: 2 },
      env: { RING_TIMEOUT_MS: '1500', CALL_EMPTY_GRACE_MS: '500', CALL_SWEEP_MS: '200', CALL_STARTS_PER_MINUTE: '3' },
    });
    for (const name of ['anna', 'boris', 'clara', 'dima', 'eve'] as const) {
      const api = new ApiClient(stack.gatewayUrl());
      const id = (await api.register(`${name}_${randomBytes(3).toString('hex')}`, name)).id;
      p[name] = {
        api,
        id,
        socket: await TestSocket.open(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${api.accessToken}`),
      };
    }
    redis = new Redis(stack.env.REDIS_URL!);
    rooms = new RoomServiceClient(stack.env.LIVEKIT_URL!.replace('ws', 'http'), stack.env.LIVEKIT_API_KEY!, stack.env.LIVEKIT_API_SECRET!);
  });
  afterAll(async () => {
    for (const person of Object.values(p)) await person.socket?.close();
    redis?.disconnect();
    await stack?.stop();
  });

  const personal = async (a: Person, b: Person) =>
    (await a.api.call<{ id: string }>('POST', '/api/chats/personal', { userId: b.id })).body.id;
  const frameFor = (person: Person, type: string, callId: string, extra: (f: Frame) => boolean = () => true) =>
    person.socket.next((f) => f.type === type && JSON.stringify(f.data).includes(callId) && extra(f), 8_000);
  const roomExists = async (name: string) => (await rooms.listRooms([name])).length > 0;

  it('rings the callee, connects on accept, stops other devices ringing, and ends for both on hang-up', async () => {
    const { anna, boris } = p;
    const chatId = await personal(anna, boris);
    const borisPhone = await TestSocket.open(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${boris.api.accessToken}`);
    const started = await anna.api.call<StartBody>('POST', '/api/calls', { chatId, type: 'video' });
    expect(started.status).toBe(201);
    const callId = started.body.call.id;
    expect(started.body.call.status).toBe('ringing');
    expect(started.body.join.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(await roomExists(callId)).toBe(true);

    const incoming = await frameFor(boris, 'call.incoming', callId);
    // With the LiveKit address the join will name, so the ringing client can warm the connection before accepting.
    expect(incoming.data).toMatchObject({ callerId: anna.id, ring: true, url: started.body.join.url });
    await borisPhone.next((f) => f.type === 'call.incoming');

    const accepted = await boris.api.call<StartBody>('POST', `/api/calls/${callId}/join`);
    expect(accepted.body.call).toMatchObject({ status: 'active', participants: [anna.id, boris.id].sort() });
    expect(accepted.body.call.answeredAt).not.toBeNull();
    await borisPhone.next((f) => f.type === 'call.answered-elsewhere');
    await frameFor(anna, 'call.updated', callId, (f) => (f.data as CallBody).status === 'active');

    const hangup = await anna.api.call<CallBody>('POST', `/api/calls/${callId}/leave`);
    expect(hangup.body).toMatchObject({ status: 'ended', endReason: 'hangup' });
    for (const person of [anna, boris]) await frameFor(person, 'call.ended', callId);
    expect(await roomExists(callId)).toBe(false);
    expect(await redis.get(`chat:${chatId}:call`)).toBeNull();
    await borisPhone.close();
  });

  it('ends as missed for the callee when the caller gives up before an answer', async () => {
    const { clara, dima } = p;
    const chatId = await personal(clara, dima);
    const { call } = (await clara.api.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body;
    const cancelled = await clara.api.call<CallBody>('POST', `/api/calls/${call.id}/leave`);
    expect(cancelled.body).toMatchObject({ status: 'ended', endReason: 'missed' });
    await frameFor(dima, 'call.ended', call.id, (f) => (f.data as CallBody).endReason === 'missed');
  });

  it('ends as declined when the callee declines', async () => {
    const { anna, clara } = p;
    const chatId = await personal(anna, clara);
    const { call } = (await anna.api.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body;
    const declined = await clara.api.call<CallBody>('POST', `/api/calls/${call.id}/decline`);
    expect(declined.body).toMatchObject({ status: 'ended', endReason: 'declined' });
    await frameFor(anna, 'call.ended', call.id, (f) => (f.data as CallBody).endReason === 'declined');
  });

  it('ends as missed when nobody answers in time', async () => {
    const { boris, dima } = p;
    const chatId = await personal(boris, dima);
    const { call } = (await boris.api.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body;
    const ended = await frameFor(dima, 'call.ended', call.id);
    expect(ended.data).toMatchObject({ status: 'ended', endReason: 'missed' });
  });

  it('ends at once as busy when the callee is in another call, and tells the callee', async () => {
    const { anna, boris, eve } = p;
    const ab = await personal(anna, boris);
    const first = (await anna.api.call<StartBody>('POST', '/api/calls', { chatId: ab, type: 'audio' })).body.call;
    await boris.api.call('POST', `/api/calls/${first.id}/join`);
    const eb = await personal(eve, boris);
    const second = await eve.api.call<StartBody>('POST', '/api/calls', { chatId: eb, type: 'audio' });
    expect(second.body.call).toMatchObject({ status: 'ended', endReason: 'busy' });
    expect(second.body.join).toBeNull();
    await frameFor(boris, 'call.ended', second.body.call.id, (f) => (f.data as CallBody).endReason === 'busy');
    await anna.api.call('POST', `/api/calls/${first.id}/end`);
  });

  it('keeps one live call per group, lets members join later, and ends it when the last one leaves', async () => {
    const { anna, boris, clara } = p;
    const group = (
      await anna.api.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Созвон', memberIds: [boris.id, clara.id] })
    ).body.id;
    // Each person starts at most three calls a minute in this file: the limit is part of what runs.
    const started = (await clara.api.call<StartBody>('POST', '/api/calls', { chatId: group, type: 'video' })).body.call;
    const again = (await boris.api.call<StartBody>('POST', '/api/calls', { chatId: group, type: 'video' })).body.call;
    expect(again.id).toBe(started.id);
    expect(again.participants).toEqual([clara.id, boris.id].sort());
    await frameFor(anna, 'call.incoming', started.id);
    const late = (await anna.api.call<StartBody>('POST', `/api/calls/${started.id}/join`)).body.call;
    expect(late.participants).toHaveLength(3);
    // A dropped connection comes back: leave and join again while others stay.
    await anna.api.call('POST', `/api/calls/${started.id}/leave`);
    const rejoined = (await anna.api.call<StartBody>('POST', `/api/calls/${started.id}/join`)).body.call;
    expect(rejoined.participants).toContain(anna.id);
    for (const person of [anna, boris, clara]) await person.api.call('POST', `/api/calls/${started.id}/leave`);
    const ended = await frameFor(anna, 'call.ended', started.id);
    expect(ended.data).toMatchObject({ endReason: 'empty' });
  });

  it('in a group, a decline stops only that ring, and those in the call see it at once', async () => {
    const { eve, dima, boris } = p;
    const group = (
      await eve.api.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Отказ', memberIds: [dima.id, boris.id] })
    ).body.id;
    const { call } = (await eve.api.call<StartBody>('POST', '/api/calls', { chatId: group, type: 'audio' })).body;
    await frameFor(dima, 'call.incoming', call.id);
    const declined = await dima.api.call<CallBody & { invited: string[] }>('POST', `/api/calls/${call.id}/decline`);
    expect(declined.body).toMatchObject({ status: 'ringing' });
    expect(declined.body.invited).not.toContain(dima.id);
    // The caller's people panel learns it from this push while Boris is still rung, not from the end of all rings.
    await frameFor(eve, 'call.updated', call.id, (f) => {
      const invited = (f.data as { invited: string[] }).invited;
      return invited.includes(boris.id) && !invited.includes(dima.id);
    });
    await eve.api.call('POST', `/api/calls/${call.id}/end`);
  });

  it("rings by the group's policy and each member's own choice, and tells everyone else silently", async () => {
    const { anna, boris, clara, dima, eve } = p;
    const group = (
      await anna.api.call<{ id: string }>('POST', '/api/chats', {
        type: 'group',
        name: 'Звонки',
        memberIds: [boris.id, clara.id, dima.id, eve.id],
      })
    ).body.id;
    expect((await clara.api.call('PATCH', `/api/chats/${group}/members/${clara.id}`, { ringMuted: true })).status).toBe(200);
    expect((await anna.api.call('PATCH', `/api/chats/${group}/members/${boris.id}`, { ringMuted: true })).status).toBe(403);
    await anna.api.call('PATCH', `/api/chats/${group}/members/${dima.id}`, { role: 'admin' });
    await anna.api.call('PATCH', `/api/chats/${group}/members/${clara.id}`, { role: 'admin' });
    await anna.api.call('PATCH', `/api/chats/${group}`, { callSettings: { ring: 'admins' } });
    // Eve (a member) calls: only admins are rung, and Clara, an admin, asked not to be.
    const call = (await eve.api.call<StartBody>('POST', '/api/calls', { chatId: group, type: 'audio' })).body.call;
    const rung = async (person: Person) => ((await frameFor(person, 'call.incoming', call.id)).data as { ring: boolean }).ring;
    expect({ anna: await rung(anna), boris: await rung(boris), clara: await rung(clara), dima: await rung(dima) }).toEqual({
      anna: true,
      boris: false,
      clara: false,
      dima: true,
    });
    await anna.api.call('POST', `/api/calls/${call.id}/end`);
  });

  it('lets only the owner or an admin end a group call for everyone', async () => {
    const { anna, boris } = p;
    const group = (await anna.api.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Конец', memberIds: [boris.id] })).body
      .id;
    const call = (await boris.api.call<StartBody>('POST', '/api/calls', { chatId: group, type: 'audio' })).body.call;
    expect((await boris.api.call('POST', `/api/calls/${call.id}/end`)).status).toBe(403);
    const ended = await anna.api.call<CallBody>('POST', `/api/calls/${call.id}/end`);
    expect(ended.body).toMatchObject({ status: 'ended', endReason: 'ended-by-admin' });
  });

  it('answers 404 about a call to anyone outside its chat, and keeps every session key for 12 hours', async () => {
    const { anna, boris, eve } = p;
    const chatId = await personal(anna, boris);
    const call = (await boris.api.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body.call;
    for (const action of ['join', 'decline', 'leave', 'end'])
      expect((await eve.api.call('POST', `/api/calls/${call.id}/${action}`)).status).toBe(404);
    expect((await eve.api.call('POST', '/api/calls', { chatId, type: 'audio' })).status).toBe(404);
    expect((await eve.api.call<{ items: CallBody[] }>('GET', '/api/calls/active')).body.items.map((c) => c.id)).not.toContain(call.id);
    // The caller is in it; the callee is being rung for it: both see it, to rejoin after a reload.
    for (const person of [boris, anna])
      expect((await person.api.call<{ items: CallBody[] }>('GET', '/api/calls/active')).body.items.map((c) => c.id)).toContain(call.id);
    for (const key of [
      `call:${call.id}`,
      `call:${call.id}:invited`,
      `call:${call.id}:participants`,
      `chat:${chatId}:call`,
      `user:${boris.id}:call`,
    ]) {
      expect(await redis.ttl(key), key).toBeGreaterThan(12 * 3600 - 60);
    }
    await boris.api.call('POST', `/api/calls/${call.id}/end`);
  });

  it('logs every call and writes it into the chat, with the live-call mark while it lasts', async () => {
    const { clara, eve } = p;
    const chatId = await personal(clara, eve);
    const { call } = (await clara.api.call<StartBody>('POST', '/api/calls', { chatId, type: 'video' })).body;
    const liveMark = async () => (await eve.api.call<{ liveCallId: string | null }>('GET', `/api/chats/${chatId}`)).body.liveCallId;
    const until = async <T>(read: () => Promise<T>, ok: (v: T) => boolean) => {
      const deadline = Date.now() + 5_000;
      let value = await read();
      while (!ok(value) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        value = await read();
      }
      return value;
    };
    expect(await until(liveMark, (v) => v === call.id)).toBe(call.id);
    await eve.api.call('POST', `/api/calls/${call.id}/join`);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await eve.api.call('POST', `/api/calls/${call.id}/leave`);
    expect(await until(liveMark, (v) => v === null)).toBeNull();

    type Line = {
      kind: string;
      system: { kind: string; details: { callId: string; durationSeconds: number; endReason: string; type: string } } | null;
    };
    const lines = await until(
      async () => (await eve.api.call<{ items: Line[] }>('GET', `/api/chats/${chatId}/messages?limit=5`)).body.items,
      (items) => items.some((m) => m.system?.kind === 'call.ended'),
    );
    const line = lines.find((m) => m.system?.kind === 'call.ended')!;
    expect(line.system!.details).toMatchObject({ callId: call.id, type: 'video', endReason: 'hangup' });
    expect(line.system!.details.durationSeconds).toBeGreaterThanOrEqual(1);

    // Written by the calls service's own consumer of the call-ended fact: there a moment after the end.
    const log = await until(
      async () =>
        (
          await clara.api.call<{ items: { id: string; endReason: string; participants: { userId: string }[] }[] }>(
            'GET',
            `/api/chats/${chatId}/calls`,
          )
        ).body.items,
      (items) => items[0]?.id === call.id,
    );
    expect(log[0]).toMatchObject({ id: call.id, endReason: 'hangup' });
    expect(log[0]!.participants.map((x) => x.userId).sort()).toEqual([clara.id, eve.id].sort());
    expect((await p.dima.api.call('GET', `/api/chats/${chatId}/calls`)).status).toBe(404);
  });

  it('limits starts to 3 a minute per user across both replicas, with Retry-After', async () => {
    const { dima, eve } = p;
    const chatId = await personal(dima, eve);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const started = await dima.api.call<StartBody & { error?: unknown }>('POST', '/api/calls', { chatId, type: 'audio' });
      statuses.push(started.status);
      if (started.status === 201) await dima.api.call('POST', `/api/calls/${started.body.call.id}/end`);
      else expect(Number(started.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
  });
});
