import { TrackSource } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALL_SETTINGS, type Role } from '@messenger/contracts';
import { callGrant } from './call-grants.js';

const grant = (role: Role, chatType: 'personal' | 'group' | 'channel', onlyAdminsCanSpeak: boolean) =>
  callGrant({
    room: 'r',
    callType: 'video',
    membership: { role, chatType, callSettings: { ...DEFAULT_CALL_SETTINGS, onlyAdminsCanSpeak } },
  });

describe('call grants', () => {
  it.each([
    ['member', 'group', false, true],
    ['member', 'group', true, false],
    ['admin', 'group', true, true],
    ['owner', 'group', true, true],
    ['member', 'personal', true, true],
  ] as const)('%s in a %s chat with onlyAdminsCanSpeak=%s may publish the microphone: %s', (role, chatType, only, microphone) => {
    const sources = grant(role, chatType, only).canPublishSources ?? [];
    expect(sources.includes(TrackSource.MICROPHONE)).toBe(microphone);
    expect(sources.includes(TrackSource.SCREEN_SHARE_AUDIO)).toBe(microphone);
    expect(sources).toContain(TrackSource.CAMERA);
  });

  it('limits the token to one room and never lets a participant rename itself', () => {
    const g = grant('member', 'group', false);
    expect(g).toMatchObject({ roomJoin: true, room: 'r', canSubscribe: true, canUpdateOwnMetadata: false });
  });
});
