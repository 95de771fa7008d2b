import { TrackSource, type VideoGrant } from 'livekit-server-sdk';
import type { Membership } from '@messenger/contracts';

export interface GrantInput {
  room: string;
  membership: Pick<Membership, 'role' | 'callSettings' | 'chatType'>;
  callType: 'audio' | 'video';
}

/** Whether this member may be heard in the chat's calls: `onlyAdminsCanSpeak` leaves that to owner and admins. */
export const maySpeak = (membership: GrantInput['membership']): boolean =>
  membership.chatType === 'personal' ||
  membership.role === 'owner' ||
  membership.role === 'admin' ||
  !membership.callSettings.onlyAdminsCanSpeak;

/**
 * What a participant may do in the room, decided here and carried in the token, so LiveKit itself
 * refuses the rest:
 * - the microphone, and a shared screen with its audio, to whoever may speak (`maySpeak`);
 * - the camera in video calls only.
 * A participant with nothing to publish gets `canPublish: false`: LiveKit reads an empty source list as "any".
 */
export const callGrant = ({ room, membership, callType }: GrantInput): VideoGrant => {
  const sources: TrackSource[] = [];
  if (callType === 'video') sources.push(TrackSource.CAMERA);
  if (maySpeak(membership)) sources.push(TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO);
  return {
    roomJoin: true,
    room,
    canSubscribe: true,
    canPublish: sources.length > 0,
    canPublishData: true,
    canPublishSources: sources,
    canUpdateOwnMetadata: false,
  };
};

/** Whether this participant must start muted (muteAll), told to the client in the token metadata. */
export const startsMuted = (membership: Pick<Membership, 'role' | 'callSettings' | 'chatType'>): boolean => membership.callSettings.muteAll;
