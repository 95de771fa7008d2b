import { randomBytes } from 'node:crypto';
import { dispose, Room, RoomEvent } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITS } from '@messenger/contracts';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack, TestSocket, type Frame } from '@messenger/kit/testing';

type CallBody = { id: string; invited: string[]; participants: string[] };
type StartBody = { call: CallBody; join: { url: string; token: string } };
type Hand = { callId: string; userId: string; raisedAt: number | null };
interface Person {
  api: ApiClient;
  id: string;
  socket: TestSocket;
}

const RING_TIMEOUT_MS = 3_000;
const RINGS_PER_MINUTE = 5;

/** Resolves once this client in the room sees the participant's hand at that value (undefined: lowered). */
const handSeen = (room: Room, identity: string, value: string | undefined) =>
  new Promise<void>((resolve) => {
    const check = () => {
      if (room.remoteParticipants.get(identity)?.attributes.hand !== value) return;
      room.off(RoomEvent.ParticipantAttributesChanged, check);
      resolve();
    };
    room.on(RoomEvent.ParticipantAttributesChanged, check);
    check();
  });

describe('in a call: hands, moderation and ringing again', () => {
  let stack: Stack;
  let rooms: RoomServiceClient;
  const sockets: TestSocket[] = [];
  const connections: Room[] = [];

  beforeAll(async () => {
    stack = await startTestStack('moderation', {
      withLiveKit: true,
      env: {
        RING_TIMEOUT_MS: String(RING_TIMEOUT_MS),
        CALL_SWEEP_MS: '100',
        CALL_STARTS_PER_MINUTE: '50',
        // Every limit lifted as in every test stack, but ringing: its limit is part of what runs here.
        RATE_LIMITS: Object.keys(RATE_LIMITS)
          .map((name) => (name === 'ring' ? `ring=${RINGS_PER_MINUTE}/60` : `${name}=1000000/1`))
          .join(','),
      },
    });
    rooms = new RoomServiceClient(stack.env.LIVEKIT_URL!.replace('ws', 'http'), stack.env.LIVEKIT_API_KEY!, stack.env.LIVEKIT_API_SECRET!);
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    for (const room of connections) await room.disconnect();
    await dispose();
    await stack?.stop();
  });

  /** New people for each test: limits are counted per person, and nobody carries a call over from another test. */
  const person = async (name: string): Promise<Person> => {
    const api = new ApiClient(stack.gatewayUrl());
    const id = (await api.register(`${name}_${randomBytes(3).toString('hex')}`, name)).id;
    const socket = await TestSocket.open(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${api.accessToken}`);
    sockets.push(socket);
    return { api, id, socket };
  };
  const group = async (owner: Person, members: Person[], ring: 'everyone' | 'nobody' = 'everyone') => {
    const chatId = (
      await owner.api.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Call', memberIds: members.map((m) => m.id) })
    ).body.id;
    if (ring !== 'everyone') await owner.api.call('PATCH', `/api/chats/${chatId}`, { callSettings: { ring } });
    return chatId;
  };
  const connect = async (join: StartBody['join']) => {
    const room = new Room();
    await room.connect(join.url, join.token, { autoSubscribe: false, dynacast: false });
    connections.push(room);
    return room;
  };
  const handInRoom = async (callId: string, userId: string) =>
    (await rooms.listParticipants(callId)).find((p) => p.identity === userId)?.attributes.hand;
  const frame = (who: Person, type: string, match: (data: Record<string, unknown>) => boolean = () => true, timeoutMs = 5_000) =>
    who.socket.next((f: Frame) => f.type === type && match(f.data as Record<string, unknown>), timeoutMs);

  it('raises my hand as a LiveKit attribute holding the server’s time, which everyone in the room sees, and lowers it', async () => {
    const [owner, member, bystander, outsider] = await Promise.all([person('own'), person('mem'), person('bys'), person('out')]);
    const chatId = await group(owner, [member, bystander]);
    const started = (await owner.api.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body;
    const callId = started.call.id;
    const ownerRoom = await connect(started.join);
    const memberRoom = await connect((await member.api.call<StartBody>('POST', `/api/calls/${callId}/join`)).body.join);

    const before = Date.now();
    const raised = await member.api.call<Hand>('PUT', `/api/calls/${callId}/hand`);
    expect(raised.status).toBe(200);
    expect(raised.body).toMatchObject({ callId, userId: member.id });
    expect(raised.body.raisedAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(raised.body.raisedAt).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(await handInRoom(callId, member.id)).toBe(String(raised.body.raisedAt));
    // Everyone in the room sees it.
    await handSeen(ownerRoom, member.id, String(raised.body.raisedAt));
    // A second raise keeps the hand's place in the queue.
    expect((await member.api.call<Hand>('PUT', `/api/calls/${callId}/hand`)).body.raisedAt).toBe(raised.body.raisedAt);

    // Nobody sets their own hand, or anything else about themselves: the token does not allow it.
    await Promise.race([
      memberRoom.localParticipant!.setAttributes({ hand: '1' }).catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 1_000)),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await handInRoom(callId, member.id)).toBe(String(raised.body.raisedAt));

    const lowered = await member.api.call<Hand>('DELETE', `/api/calls/${callId}/hand`);
    expect(lowered.body).toEqual({ callId, userId: member.id, raisedAt: null });
    expect(await handInRoom(callId, member.id)).toBeUndefined();
    await handSeen(ownerRoom, member.id, undefined);

    // Only someone in the call has a hand there: a member who is not in it, and an outsider, get the same 404.
    expect((await bystander.api.call('PUT', `/api/calls/${callId}/hand`)).status).toBe(404);
    expect((await outsider.api.call('PUT', `/api/calls/${callId}/hand`)).status).toBe(404);
    expect((await outsider.api.call('DELETE', `/api/calls/${callId}/hand`)).status).toBe(404);
    // In the call but not connected to its room yet: there is no hand to show.
    await bystander.api.call('POST', `/api/calls/${callId}/join`);
    const unconnected = await bystander.api.call<{ error: { code: string } }>('PUT', `/api/calls/${callId}/hand`);
    expect(unconnected.status).toBe(409);
    await owner.api.call('POST', `/api/calls/${callId}/end`);
  });

  it('lets a moderator lower someone’s hand and tells them so; a member may not, nor an admin on the owner', async () => {
    const [owner, admin, member] = await Promise.all([person('own'), person('adm'), person('mem')]);
    const chatId = await group(owner, [admin, member]);
    await owner.api.call('PATCH', `/api/chats/${chatId}/members/${admin.id}`, { role: 'admin' });
    const started = (await owner.api.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body;
    const callId = started.call.id;
    await connect(started.join);
    await connect((await member.api.call<StartBody>('POST', `/api/calls/${callId}/join`)).body.join);
    await member.api.call('PUT', `/api/calls/${callId}/hand`);
    expect(await handInRoom(callId, member.id)).toBeDefined();

    expect((await member.api.call('DELETE', `/api/calls/${callId}/participants/${owner.id}/hand`)).status).toBe(403);
    // The admin need not be in the call to run it; the person acted on must be.
    expect((await admin.api.call('DELETE', `/api/calls/${callId}/participants/${admin.id}/hand`)).status).toBe(404);
    const lowered = await admin.api.call<Hand>('DELETE', `/api/calls/${callId}/participants/${member.id}/hand`);
    expect(lowered.status).toBe(200);
    expect(lowered.body).toEqual({ callId, userId: member.id, raisedAt: null });
    expect(await handInRoom(callId, member.id)).toBeUndefined();
    const told = await frame(member, 'call.moderated', (d) => d.callId === callId);
    expect(told.data).toEqual({ callId, action: 'hand-lowered', byId: admin.id });
    // As with removing members: an admin acts on members only, never on the owner (who is in the call).
    expect((await admin.api.call('POST', `/api/calls/${callId}/participants/${owner.id}/mute`)).status).toBe(403);
    expect((await admin.api.call('DELETE', `/api/calls/${callId}/participants/${owner.id}/hand`)).status).toBe(403);
    expect((await admin.api.call('DELETE', `/api/calls/${callId}/participants/${owner.id}`)).status).toBe(403);
    await owner.api.call('POST', `/api/calls/${callId}/end`);
  });

  it('rings a member again who is not in the call, tells everyone, and says why it will not', async () => {
    const [owner, admin, member, listener, quiet, outsider] = await Promise.all([
      person('own'),
      person('adm'),
      person('mem'),
      person('lis'),
      person('qui'),
      person('out'),
    ]);
    const chatId = await group(owner, [admin, member, listener, quiet], 'nobody');
    await owner.api.call('PATCH', `/api/chats/${chatId}/members/${admin.id}`, { role: 'admin' });
    await owner.api.call('PATCH', `/api/chats/${chatId}/members/${listener.id}`, { permissions: { canStartCall: false } });
    await quiet.api.call('PATCH', `/api/chats/${chatId}/members/${quiet.id}`, { ringMuted: true });
    const started = (await owner.api.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body;
    const callId = started.call.id;
    expect(started.call.invited).toEqual([]); // the chat rings nobody by itself

    const rung = await owner.api.call<CallBody>('POST', `/api/calls/${callId}/participants/${member.id}/ring`);
    expect(rung.status).toBe(200);
    expect(rung.body.invited).toEqual([member.id]);
    expect((await frame(member, 'call.incoming', (d) => (d.call as CallBody).id === callId)).data).toMatchObject({ ring: false });
    const incoming = await frame(member, 'call.incoming', (d) => (d.call as CallBody).id === callId && d.ring === true);
    // The LiveKit address the join will name, so the ringing client can warm the connection.
    expect(incoming.data).toMatchObject({ callerId: owner.id, ring: true, url: started.join.url });
    await frame(admin, 'call.updated', (d) => d.id === callId && (d.invited as string[]).includes(member.id));
    expect((await member.api.call<{ items: CallBody[] }>('GET', '/api/calls/active')).body.items.map((c) => c.id)).toContain(callId);

    const refused = async (as: Person, target: string) => {
      const answer = await as.api.call<{ error: { code: string } }>('POST', `/api/calls/${callId}/participants/${target}/ring`);
      return `${answer.status} ${answer.body.error?.code ?? ''}`.trim();
    };
    expect(await refused(owner, quiet.id)).toBe('409 RING_MUTED');
    await member.api.call('POST', `/api/calls/${callId}/join`);
    expect(await refused(owner, member.id)).toBe('409 ALREADY_IN_CALL');
    expect(await refused(owner, outsider.id)).toBe('404 NOT_FOUND');
    expect(await refused(listener, admin.id)).toBe('403 PERMISSION_DENIED');
    expect(await refused(outsider, listener.id)).toBe('404 NOT_FOUND');
    expect((await admin.api.call('POST', `/api/calls/${callId}/participants/${listener.id}/ring`)).status).toBe(200);
    await owner.api.call('POST', `/api/calls/${callId}/end`);
    expect(await refused(owner, listener.id)).toBe('409 CONFLICT');
  });

  it('gives a ring again a full ring of its own: the sweep of the first rings does not cut it short', async () => {
    const [owner, early, late] = await Promise.all([person('own'), person('ear'), person('lat')]);
    const chatId = await group(owner, [early, late]);
    const started = (await owner.api.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body;
    const callId = started.call.id;
    expect(started.call.invited).toEqual([early.id, late.id].sort());
    await new Promise((resolve) => setTimeout(resolve, RING_TIMEOUT_MS - 1_000));
    expect((await owner.api.call('POST', `/api/calls/${callId}/participants/${late.id}/ring`)).status).toBe(200);
    const invited = async () =>
      (await owner.api.call<{ items: CallBody[] }>('GET', '/api/calls/active')).body.items.find((c) => c.id === callId)?.invited ?? [];
    // The first ring ends on time for the one not rung again...
    await frame(early, 'call.updated', (d) => d.id === callId && !(d.invited as string[]).includes(early.id));
    // ...and the one rung again rings on, to the end of their own ring.
    expect(await invited()).toEqual([late.id]);
    const quieted = await frame(late, 'call.updated', (d) => d.id === callId && !(d.invited as string[]).includes(late.id), 5_000);
    expect(quieted).toBeDefined();
    await owner.api.call('POST', `/api/calls/${callId}/end`);
  });

  it(`limits ringing again to ${RINGS_PER_MINUTE} a minute per person, with Retry-After`, async () => {
    const [owner, member] = await Promise.all([person('own'), person('mem')]);
    const chatId = await group(owner, [member], 'nobody');
    const callId = (await owner.api.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body.call.id;
    const statuses: number[] = [];
    for (let i = 0; i <= RINGS_PER_MINUTE; i++) {
      const answer = await owner.api.call('POST', `/api/calls/${callId}/participants/${member.id}/ring`);
      statuses.push(answer.status);
      if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([...Array<number>(RINGS_PER_MINUTE).fill(200), 429]);
    await owner.api.call('POST', `/api/calls/${callId}/end`);
  });
});
