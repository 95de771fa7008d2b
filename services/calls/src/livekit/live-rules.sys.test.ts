import { randomBytes } from 'node:crypto';
import { AudioSource, dispose, LocalAudioTrack, Room, TrackPublishOptions, TrackSource as ClientTrackSource } from '@livekit/rtc-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { RoomServiceClient, TrackSource } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAMS, SUBJECT, type CallSettings } from '@messenger/contracts';
import { natsInboxPrefix } from '@messenger/kit';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack, TestSocket } from '@messenger/kit/testing';

type StartBody = { call: { id: string; participants: string[] }; join: { url: string; token: string } };
type WebhookSeen = { event: string; room?: string; identity?: string; source?: string | number; reply: string };

/** What a media token tells the client in its metadata (startMuted: join with the microphone off). */
const tokenMetadata = (token: string) =>
  JSON.parse(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).metadata) as { startMuted?: boolean };
const publishMicrophone = (room: Room) =>
  room.localParticipant!.publishTrack(
    LocalAudioTrack.createAudioTrack('microphone', new AudioSource(48_000, 1)),
    new TrackPublishOptions({ source: ClientTrackSource.SOURCE_MICROPHONE }),
  );

describe('group decisions reach a live call', () => {
  let stack: Stack;
  let rooms: RoomServiceClient;
  let owner: ApiClient;
  let member: ApiClient;
  let memberId: string;
  let chatId: string;
  let observer: NatsConnection;
  /** LiveKit's webhooks as the gateway forwards them, and the reply subjects the calls service has answered. */
  const webhooks: WebhookSeen[] = [];
  const answered = new Set<string>();

  beforeAll(async () => {
    // One owner starts a call per test here; the start limit has its own test.
    stack = await startTestStack('live-rules', { withLiveKit: true, env: { CALL_STARTS_PER_MINUTE: '50' } });
    rooms = new RoomServiceClient(stack.env.LIVEKIT_URL!.replace('ws', 'http'), stack.env.LIVEKIT_API_KEY!, stack.env.LIVEKIT_API_SECRET!);
    owner = new ApiClient(stack.gatewayUrl());
    member = new ApiClient(stack.gatewayUrl());
    await owner.register(`own_${randomBytes(3).toString('hex')}`, 'Owner');
    memberId = (await member.register(`mem_${randomBytes(3).toString('hex')}`, 'Member')).id;
    observer = await connect(stack.natsLogin());
    observer.subscribe(SUBJECT.calls.webhook, {
      callback: (_error, msg) => {
        const event = JSON.parse(msg.json<{ data: { body: string } }>().data.body) as {
          event: string;
          room?: { name: string };
          participant?: { identity: string };
          track?: { source?: string | number };
        };
        webhooks.push({
          event: event.event,
          room: event.room?.name,
          identity: event.participant?.identity,
          source: event.track?.source,
          reply: msg.reply ?? '',
        });
      },
    });
    observer.subscribe(`${natsInboxPrefix('gateway')}.>`, {
      callback: (_error, msg) => {
        answered.add(msg.subject);
      },
    });
    await observer.flush();
  });
  afterAll(async () => {
    await observer?.close();
    await dispose();
    await stack?.stop();
  });

  /** Until the calls service has answered LiveKit's word that the member published a microphone in the call. */
  const microphoneWebhookHandled = (callId: string) =>
    eventually(
      async () =>
        webhooks.some(
          (w) =>
            w.event === 'track_published' &&
            w.room === callId &&
            w.identity === memberId &&
            (w.source === 'MICROPHONE' || w.source === TrackSource.MICROPHONE) &&
            answered.has(w.reply),
        ),
      8_000,
    );
  /** Until the calls service has handled every chat fact published so far (its durable consumer has none pending). */
  const groupFactsHandled = () =>
    eventually(async () => {
      const info = await (await jetstreamManager(observer)).consumers.info(STREAMS.groups.name, 'calls-group-facts');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 8_000);

  const startWithMemberConnected = async (callSettings: Partial<CallSettings> = {}) => {
    chatId = (await owner.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Live', memberIds: [memberId] })).body.id;
    if (Object.keys(callSettings).length) await owner.call('PATCH', `/api/chats/${chatId}`, { callSettings });
    const started = (await owner.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body;
    const joined = (await member.call<StartBody>('POST', `/api/calls/${started.call.id}/join`)).body;
    const room = new Room();
    await room.connect(joined.join.url, joined.join.token, { autoSubscribe: false, dynacast: false });
    return { callId: started.call.id, room, join: joined.join, ownerJoin: started.join };
  };
  const microphone = async (callId: string) => (await memberInRoom(callId))?.tracks.find((t) => t.source === TrackSource.MICROPHONE);
  const memberInRoom = async (callId: string) => (await rooms.listParticipants(callId)).find((p) => p.identity === memberId);
  /** Polls until the check holds or the time is up; answers whether it held. */
  const eventually = async (check: () => Promise<boolean>, timeoutMs = 3_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return true;
  };
  const canPublish = async (callId: string, source: TrackSource) =>
    (await memberInRoom(callId))?.permission?.canPublishSources.includes(source) ?? false;

  it('turns out a connection made with a token whose seat is gone: after a leave, and after a removal from the group', async () => {
    const { callId, room, join } = await startWithMemberConnected();
    expect((await member.call('POST', `/api/calls/${callId}/leave`)).status).toBe(200);
    expect(await eventually(async () => (await memberInRoom(callId)) === undefined)).toBe(true);
    await room.disconnect();
    // The same token still passes LiveKit's own check for ten minutes: the calls service turns it out.
    const back = new Room();
    // Turned out at once or a moment after connecting: either way it must not stay.
    await back.connect(join.url, join.token, { autoSubscribe: false, dynacast: false }).catch(() => undefined);
    expect(await eventually(async () => (await memberInRoom(callId)) === undefined)).toBe(true);
    await back.disconnect();

    const again = (await member.call<StartBody>('POST', `/api/calls/${callId}/join`)).body;
    const seated = new Room();
    await seated.connect(again.join.url, again.join.token, { autoSubscribe: false, dynacast: false });
    expect((await owner.call('DELETE', `/api/chats/${chatId}/members/${memberId}`)).status).toBe(204);
    expect(await eventually(async () => (await memberInRoom(callId)) === undefined)).toBe(true);
    await seated.disconnect();
    const intruder = new Room();
    await intruder.connect(again.join.url, again.join.token, { autoSubscribe: false, dynacast: false }).catch(() => undefined);
    expect(await eventually(async () => (await memberInRoom(callId)) === undefined)).toBe(true);
    // Turned out, and not counted in: the call does not list them.
    const active = (await owner.call<{ items: { id: string; participants: string[] }[] }>('GET', '/api/calls/active')).body.items;
    expect(active.find((c) => c.id === callId)?.participants).not.toContain(memberId);
    await intruder.disconnect();
    await owner.call('POST', `/api/calls/${callId}/end`);
  });

  it('gives a member promoted mid-call the microphone and screen at once, and takes them back on demotion', async () => {
    const { callId, room } = await startWithMemberConnected();
    await owner.call('PATCH', `/api/chats/${chatId}`, { callSettings: { onlyAdminsCanSpeak: true } });
    expect(await eventually(async () => !(await canPublish(callId, TrackSource.MICROPHONE)))).toBe(true);
    expect(await canPublish(callId, TrackSource.SCREEN_SHARE)).toBe(false);
    expect((await owner.call('PATCH', `/api/chats/${chatId}/members/${memberId}`, { role: 'admin' })).status).toBe(200);
    expect(await eventually(() => canPublish(callId, TrackSource.MICROPHONE))).toBe(true);
    expect(await canPublish(callId, TrackSource.SCREEN_SHARE)).toBe(true);
    expect((await owner.call('PATCH', `/api/chats/${chatId}/members/${memberId}`, { role: 'member' })).status).toBe(200);
    expect(await eventually(async () => !(await canPublish(callId, TrackSource.MICROPHONE)))).toBe(true);
    // An audio call gives nobody a camera.
    expect(await canPublish(callId, TrackSource.CAMERA)).toBe(false);
    await room.disconnect();
    await owner.call('POST', `/api/calls/${callId}/end`);
  });

  it('changes a connected member’s permissions when the call settings change', async () => {
    const { callId, room } = await startWithMemberConnected();
    expect((await memberInRoom(callId))?.permission?.canPublishSources).toContain(TrackSource.MICROPHONE);
    await owner.call('PATCH', `/api/chats/${chatId}`, { callSettings: { onlyAdminsCanSpeak: true } });
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline && (await memberInRoom(callId))?.permission?.canPublishSources.includes(TrackSource.MICROPHONE)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await memberInRoom(callId))?.permission?.canPublishSources).not.toContain(TrackSource.MICROPHONE);
    await room.disconnect();
    await owner.call('POST', `/api/calls/${callId}/end`);
  });

  it('drops a member removed from the group from the call, media included, within 2 s, and tells them nothing more', async () => {
    const { callId, room } = await startWithMemberConnected();
    const memberSocket = await TestSocket.open(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${member.accessToken}`);
    expect(await memberInRoom(callId)).toBeDefined();
    const removedAt = Date.now();
    expect((await owner.call('DELETE', `/api/chats/${chatId}/members/${memberId}`)).status).toBe(204);
    let stillThere = true;
    while (Date.now() - removedAt < 2_000 && stillThere) {
      stillThere = (await memberInRoom(callId)) !== undefined;
      if (stillThere) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const elapsed = Date.now() - removedAt;
    expect(stillThere).toBe(false);
    expect(elapsed).toBeLessThan(2_000);
    const active = (await owner.call<{ items: { id: string; participants: string[] }[] }>('GET', '/api/calls/active')).body.items.find(
      (c) => c.id === callId,
    );
    expect(active?.participants).not.toContain(memberId);
    console.log(`removed member left the room ${elapsed} ms after the removal`);
    // Their last word of the call: the call without them, so a card still ringing on another device of theirs closes.
    const last = await memberSocket.next((f) => f.type === 'call.updated');
    expect((last.data as { invited: string[] }).invited).not.toContain(memberId);
    await room.disconnect();
    const framesBefore = memberSocket.frames.length;
    await owner.call('POST', `/api/calls/${callId}/end`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(memberSocket.frames.slice(framesBefore).filter((f) => f.type.startsWith('call.'))).toEqual([]);
    await memberSocket.close();
  });

  it('lets the owner mute a member’s live microphone and remove them, tells the member each time, and refuses a member who tries', async () => {
    const { callId, room } = await startWithMemberConnected();
    const memberSocket = await TestSocket.open(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${member.accessToken}`);
    await publishMicrophone(room);
    expect(await eventually(async () => (await microphone(callId))?.muted === false)).toBe(true);

    const ownerId = (await owner.call<{ id: string }>('GET', '/api/users/me')).body.id;
    expect((await member.call('POST', `/api/calls/${callId}/participants/${ownerId}/mute`)).status).toBe(403);
    expect((await owner.call('POST', `/api/calls/${callId}/participants/${memberId}/mute`)).status).toBe(200);
    expect(await eventually(async () => (await microphone(callId))?.muted === true)).toBe(true);
    const muted = await memberSocket.next((f) => f.type === 'call.moderated' && (f.data as { action: string }).action === 'muted');
    expect(muted.data).toEqual({ callId, action: 'muted', byId: ownerId });

    expect((await owner.call('DELETE', `/api/calls/${callId}/participants/${memberId}`)).status).toBe(200);
    expect(await memberInRoom(callId)).toBeUndefined();
    const removed = await memberSocket.next((f) => f.type === 'call.moderated' && (f.data as { action: string }).action === 'removed');
    expect(removed.data).toEqual({ callId, action: 'removed', byId: ownerId });
    expect((await owner.call('DELETE', `/api/calls/${callId}/participants/${memberId}`)).status).toBe(404);
    await memberSocket.close();
    await room.disconnect();
    await owner.call('POST', `/api/calls/${callId}/end`);
  });

  it('lets a member’s first unmute under muteAll stand: the microphone they publish is not muted again', async () => {
    const { callId, room, join, ownerJoin } = await startWithMemberConnected({ muteAll: true });
    // muteAll: members join muted; the owner, who runs the call, does not.
    expect(tokenMetadata(join.token).startMuted).toBe(true);
    expect(tokenMetadata(ownerJoin.token).startMuted).toBe(false);
    await publishMicrophone(room); // the member's first click on "unmute"
    expect(await eventually(async () => (await microphone(callId)) !== undefined)).toBe(true);
    expect(await microphoneWebhookHandled(callId)).toBe(true);
    expect((await microphone(callId))?.muted).toBe(false);
    await room.disconnect();
    await owner.call('POST', `/api/calls/${callId}/end`);
  });

  it('mutes live microphones when muteAll is switched on, and not when another setting changes while it is on', async () => {
    const { callId, room } = await startWithMemberConnected({ muteAll: true });
    await publishMicrophone(room);
    expect(await microphoneWebhookHandled(callId)).toBe(true);
    expect((await owner.call('PATCH', `/api/chats/${chatId}`, { callSettings: { ring: 'admins' } })).status).toBe(200);
    expect(await groupFactsHandled()).toBe(true);
    expect((await microphone(callId))?.muted).toBe(false);

    await owner.call('PATCH', `/api/chats/${chatId}`, { callSettings: { muteAll: false } });
    await owner.call('PATCH', `/api/chats/${chatId}`, { callSettings: { muteAll: true } });
    expect(await eventually(async () => (await microphone(callId))?.muted === true)).toBe(true);
    await room.disconnect();
    await owner.call('POST', `/api/calls/${callId}/end`);
  });

  it('leaves no way back into an ended call: its token cannot recreate the room', async () => {
    chatId = (await owner.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Ended', memberIds: [memberId] })).body.id;
    const started = (await owner.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body;
    await owner.call('POST', `/api/calls/${started.call.id}/end`);
    const late = new Room();
    await expect(late.connect(started.join.url, started.join.token, { autoSubscribe: false, dynacast: false })).rejects.toBeDefined();
    expect(await rooms.listRooms([started.call.id])).toEqual([]);
  });
});
