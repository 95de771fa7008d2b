import { randomBytes } from 'node:crypto';
import { AudioSource, dispose, LocalAudioTrack, Room, TrackPublishOptions, TrackSource } from '@livekit/rtc-node';
import { RoomServiceClient, TrackSource as ServerTrackSource } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack } from '@messenger/kit/testing';

type StartBody = { call: { id: string }; join: { url: string; token: string } };

/** Joins a real LiveKit room with an issued token, as a client would, and tries to publish a microphone. */
const joinAndPublishMicrophone = async (join: StartBody['join']) => {
  const room = new Room();
  await room.connect(join.url, join.token, { autoSubscribe: false, dynacast: false });
  const track = LocalAudioTrack.createAudioTrack('microphone', new AudioSource(48_000, 1));
  const published = await room
    .localParticipant!.publishTrack(track, new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }))
    .then(
      () => true,
      () => false,
    );
  return { room, published };
};

describe('onlyAdminsCanSpeak, enforced by LiveKit through the token', () => {
  let stack: Stack;
  let rooms: RoomServiceClient;

  beforeAll(async () => {
    stack = await startTestStack('speak', { withLiveKit: true });
    rooms = new RoomServiceClient(stack.env.LIVEKIT_URL!.replace('ws', 'http'), stack.env.LIVEKIT_API_KEY!, stack.env.LIVEKIT_API_SECRET!);
  });
  afterAll(async () => {
    await dispose();
    await stack?.stop();
  });

  it('lets the admin publish a microphone and refuses the member', async () => {
    const admin = new ApiClient(stack.gatewayUrl());
    const member = new ApiClient(stack.gatewayUrl());
    await admin.register(`adm_${randomBytes(3).toString('hex')}`, 'Админ');
    const memberId = (await member.register(`mem_${randomBytes(3).toString('hex')}`, 'Участник')).id;
    const chatId = (await admin.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Лекция', memberIds: [memberId] })).body
      .id;
    expect((await admin.call('PATCH', `/api/chats/${chatId}`, { callSettings: { onlyAdminsCanSpeak: true } })).status).toBe(200);

    const started = (await admin.call<StartBody>('POST', '/api/calls', { chatId, type: 'audio' })).body;
    const joined = (await member.call<StartBody>('POST', `/api/calls/${started.call.id}/join`)).body;

    const asAdmin = await joinAndPublishMicrophone(started.join);
    const asMember = await joinAndPublishMicrophone(joined.join);
    expect(asAdmin.published).toBe(true);
    expect(asMember.published).toBe(false);

    // What the SFU holds, not what the clients believe: only the admin has a microphone track.
    const participants = await rooms.listParticipants(started.call.id);
    const microphones = (identity: string) =>
      participants.find((p) => p.identity === identity)?.tracks.filter((t) => t.source === ServerTrackSource.MICROPHONE).length ?? -1;
    expect(microphones(memberId)).toBe(0);
    expect(microphones(participants.find((p) => p.identity !== memberId)!.identity)).toBe(1);

    await asAdmin.room.disconnect();
    await asMember.room.disconnect();
  });
});
