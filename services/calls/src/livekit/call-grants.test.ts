import { TrackSource } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALL_SETTINGS, DEFAULT_MEMBER_PERMISSIONS, type CallSettings, type Role } from '@messenger/contracts';
import { callGrant, startsMuted } from './call-grants.js';

type ChatType = 'personal' | 'group' | 'channel';
const membership = (role: Role, chatType: ChatType, settings: Partial<CallSettings>) => ({
  role,
  chatType,
  permissions: DEFAULT_MEMBER_PERMISSIONS,
  callSettings: { ...DEFAULT_CALL_SETTINGS, ...settings },
});
const grant = (role: Role, chatType: ChatType, onlyAdminsCanSpeak: boolean, callType: 'audio' | 'video' = 'video') =>
  callGrant({ room: 'r', callType, membership: membership(role, chatType, { onlyAdminsCanSpeak }) });

describe('call grants', () => {
  it.each([
    ['member', 'group', false, true],
    ['member', 'group', true, false],
    ['admin', 'group', true, true],
    ['owner', 'group', true, true],
    ['member', 'personal', true, true],
  ] as const)('%s in a %s chat with onlyAdminsCanSpeak=%s may speak and share a screen: %s', (role, chatType, only, speaks) => {
    const sources = grant(role, chatType, only).canPublishSources ?? [];
    expect(sources.includes(TrackSource.MICROPHONE)).toBe(speaks);
    expect(sources.includes(TrackSource.SCREEN_SHARE)).toBe(speaks);
    expect(sources.includes(TrackSource.SCREEN_SHARE_AUDIO)).toBe(speaks);
    expect(sources).toContain(TrackSource.CAMERA);
  });

  it('gives no camera in an audio call, to anyone', () => {
    for (const role of ['owner', 'admin', 'member'] as const) {
      const sources = grant(role, 'group', false, 'audio').canPublishSources ?? [];
      expect(sources).not.toContain(TrackSource.CAMERA);
      expect(sources).toContain(TrackSource.MICROPHONE);
    }
  });

  it('closes publishing altogether for a listener in an audio call, since LiveKit reads no sources as any source', () => {
    const g = grant('member', 'group', true, 'audio');
    expect(g.canPublishSources).toEqual([]);
    expect(g.canPublish).toBe(false);
    expect(grant('member', 'group', true, 'video').canPublish).toBe(true);
  });

  it('limits the token to one room and never lets a participant rename itself', () => {
    const g = grant('member', 'group', false);
    expect(g).toMatchObject({ roomJoin: true, room: 'r', canSubscribe: true, canUpdateOwnMetadata: false });
  });

  it.each([
    ['member', 'group', true, true],
    ['member', 'channel', true, true],
    ['member', 'group', false, false],
    ['admin', 'group', true, false],
    ['owner', 'group', true, false],
    ['member', 'personal', true, false],
  ] as const)('a %s in a %s chat with muteAll=%s joins muted: %s', (role, chatType, muteAll, muted) => {
    expect(startsMuted(membership(role, chatType, { muteAll }))).toBe(muted);
  });
});
