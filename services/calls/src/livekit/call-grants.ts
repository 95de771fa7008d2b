import { TrackSource, type VideoGrant } from 'livekit-server-sdk';
import type { Membership } from '@messenger/contracts';

export interface GrantInput {
  room: string;
  membership: Pick<Membership, 'role' | 'callSettings' | 'chatType'>;
  callType: 'audio' | 'video';
}

/**
 * What a participant may do in the room, decided here and carried in the token, so LiveKit itself
 * refuses the rest:
 * - `onlyAdminsCanSpeak`: members publish no microphone (nor screen audio); owner and admins do.
 * - screen sharing (with its audio) is allowed to whoever may speak.
 * - a personal chat has no roles: both may publish everything.
 */
export const callGrant = ({ room, membership }: GrantInput): VideoGrant => {
  const privileged = membership.chatType === 'personal' || membership.role === 'owner' || membership.role === 'admin';
  const maySpeak = privileged || !membership.callSettings.onlyAdminsCanSpeak;
  const sources = [TrackSource.CAMERA, TrackSource.SCREEN_SHARE];
  if (maySpeak) sources.push(TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE_AUDIO);
  return {
    roomJoin: true,
    room,
    canSubscribe: true,
    canPublish: true,
    canPublishData: true,
    canPublishSources: sources,
    canUpdateOwnMetadata: false,
  };
};

/** Whether this participant must start muted (muteAll), told to the client in the token metadata. */
export const startsMuted = (membership: Pick<Membership, 'role' | 'callSettings' | 'chatType'>): boolean => membership.callSettings.muteAll;
