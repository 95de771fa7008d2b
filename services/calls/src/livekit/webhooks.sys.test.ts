import { createHash, randomBytes } from 'node:crypto';
import { dispose, Room } from '@livekit/rtc-node';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack, TestSocket } from '@messenger/kit/testing';

type CallBody = { id: string; status: string; endReason: string | null; participants: string[] };
type StartBody = { call: CallBody; join: { url: string; token: string } };

const until = async <T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 8_000) => {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
};

/** The seat a media token carries in its metadata, as LiveKit will report it in webhooks. */
const seatIn = (token: string) =>
  (JSON.parse(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).metadata) as { seat: string }).seat;

const setup = async (stack: Stack) => {
  const owner = new ApiClient(stack.gatewayUrl());
  const member = new ApiClient(stack.gatewayUrl());
  await owner.register(`own_${randomBytes(3).toString('hex')}`, 'Owner');
  const memberId = (await member.register(`mem_${randomBytes(3).toString('hex')}`, 'Member')).id;
  const chatId = (await owner.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Hooks', memberIds: [memberId] })).body.id;
  const started = (await owner.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body;
  const call = async () =>
    (await owner.call<{ items: CallBody[] }>('GET', '/api/calls/active')).body.items.find((c) => c.id === started.call.id);
  return { owner, member, memberId, started, call };
};

describe('LiveKit webhooks', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack('webhooks', { withLiveKit: true, env: { CALL_EMPTY_GRACE_MS: '60000' } });
  });
  afterAll(async () => {
    await dispose();
    await stack?.stop();
  });

  const post = (body: string, authorization?: string) =>
    fetch(`${stack.gatewayUrl()}/webhooks/livekit`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/webhook+json', ...(authorization ? { authorization } : {}) },
    });

  const signed = async (body: string, secret = stack.env.LIVEKIT_API_SECRET!) => {
    const token = new AccessToken(stack.env.LIVEKIT_API_KEY!, secret);
    token.sha256 = createHash('sha256').update(body).digest('base64');
    return token.toJwt();
  };

  it('refuses a webhook without a valid signature', async () => {
    const body = JSON.stringify({ event: 'room_finished', id: 'EV_forged', room: { name: 'c_forgedforgedforged' } });
    expect((await post(body)).status).toBe(401);
    expect((await post(body, await signed(body, 'x'.repeat(40)))).status).toBe(401);
    expect((await post(body, await signed(`${body} `))).status).toBe(401); // signature over other bytes
  });

  it('handles a webhook delivered twice exactly once', async () => {
    const { owner, started, call } = await setup(stack);
    const socket = await TestSocket.open(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${owner.accessToken}`);
    const body = JSON.stringify({
      event: 'room_finished',
      id: `EV_${randomBytes(6).toString('hex')}`,
      createdAt: String(Math.floor(Date.now() / 1000)),
      room: { name: started.call.id },
    });
    const auth = await signed(body);
    const [first, second] = await Promise.all([post(body, auth), post(body, auth)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const handled = [((await first.json()) as { handled: boolean }).handled, ((await second.json()) as { handled: boolean }).handled];
    expect(handled.sort()).toEqual([false, true]);
    expect(await until(call, (c) => c === undefined)).toBeUndefined();
    await socket.next((f) => f.type === 'call.ended' && (f.data as CallBody).id === started.call.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(socket.frames.filter((f) => f.type === 'call.ended' && (f.data as CallBody).id === started.call.id)).toHaveLength(1);
    expect((socket.frames.find((f) => f.type === 'call.ended')!.data as CallBody).endReason).toBe('room-gone');
    await socket.close();
  });

  it('takes someone out of the call when LiveKit says their media left', async () => {
    const { member, memberId, started, call } = await setup(stack);
    const joined = (await member.call<StartBody>('POST', `/api/calls/${started.call.id}/join`)).body;
    const room = new Room();
    await room.connect(joined.join.url, joined.join.token, { autoSubscribe: false, dynacast: false });
    expect((await call())?.participants).toContain(memberId);
    await room.disconnect(); // a closed tab: no /leave request, only LiveKit knows
    expect((await until(call, (c) => !c?.participants.includes(memberId)))?.participants).not.toContain(memberId);
  });

  it('keeps someone who joined again when LiveKit’s word about their older connection comes late', async () => {
    const { member, memberId, started, call } = await setup(stack);
    const first = (await member.call<StartBody>('POST', `/api/calls/${started.call.id}/join`)).body;
    const second = (await member.call<StartBody>('POST', `/api/calls/${started.call.id}/join`)).body; // a reload
    const left = (seat: string) =>
      JSON.stringify({
        event: 'participant_left',
        id: `EV_${randomBytes(6).toString('hex')}`,
        createdAt: String(Math.floor(Date.now() / 1000)),
        room: { name: started.call.id },
        participant: { identity: memberId, metadata: JSON.stringify({ seat }) },
      });
    const late = left(seatIn(first.join.token));
    expect((await post(late, await signed(late))).status).toBe(200);
    expect((await call())?.participants).toContain(memberId);
    const current = left(seatIn(second.join.token));
    expect((await post(current, await signed(current))).status).toBe(200);
    expect((await call())?.participants).not.toContain(memberId);
  });

  it('does not turn out a reloaded connection on late word that the connection before it joined', async () => {
    const { member, memberId, started } = await setup(stack);
    const first = (await member.call<StartBody>('POST', `/api/calls/${started.call.id}/join`)).body;
    const second = (await member.call<StartBody>('POST', `/api/calls/${started.call.id}/join`)).body; // the reload
    const room = new Room();
    await room.connect(second.join.url, second.join.token, { autoSubscribe: false, dynacast: false });
    const late = JSON.stringify({
      event: 'participant_joined',
      id: `EV_${randomBytes(6).toString('hex')}`,
      createdAt: String(Math.floor(Date.now() / 1000)),
      room: { name: started.call.id },
      participant: { identity: memberId, metadata: JSON.stringify({ seat: seatIn(first.join.token) }) },
    });
    expect((await post(late, await signed(late))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rooms = new RoomServiceClient(
      stack.env.LIVEKIT_URL!.replace('ws', 'http'),
      stack.env.LIVEKIT_API_KEY!,
      stack.env.LIVEKIT_API_SECRET!,
    );
    expect((await rooms.listParticipants(started.call.id)).map((p) => p.identity)).toContain(memberId);
    await room.disconnect();
  });
});

describe('reconciliation when webhooks are lost', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack('reconcile', { withLiveKit: true, liveKitWebhooks: false, env: { CALL_RECONCILE_MS: '300' } });
  });
  afterAll(async () => stack?.stop());

  it('ends a call whose room disappeared without a word', async () => {
    const { started, call } = await setup(stack);
    const rooms = new RoomServiceClient(
      stack.env.LIVEKIT_URL!.replace('ws', 'http'),
      stack.env.LIVEKIT_API_KEY!,
      stack.env.LIVEKIT_API_SECRET!,
    );
    await rooms.deleteRoom(started.call.id);
    expect(await until(call, (c) => c === undefined, 10_000)).toBeUndefined();
  });
});
