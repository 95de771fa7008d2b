import { TrackSource, type VideoGrant } from 'livekit-server-sdk';
import type { Membership } from '@messenger/contracts';
import { may } from '../calls/call-access.js';

export interface GrantInput {
  room: string;
  membership: Pick<Membership, 'role' | 'permissions' | 'callSettings' | 'chatType'>;
  callType: 'audio' | 'video';
}

/**
 * What a participant may do in the room, as `decide` says (libs/contracts), carried in the token so LiveKit
 * itself refuses the rest:
 * - the microphone to whoever may `speak`; a shared screen with its audio to whoever may `shareScreen`;
 * - the camera to whoever may `useCamera`, in video calls only: an audio call has no camera for anyone.
 * A participant with nothing to publish gets `canPublish: false`: LiveKit reads an empty source list as "any".
 */
export const callGrant = ({ room, membership, callType }: GrantInput): VideoGrant => {
  const sources: TrackSource[] = [];
  if (callType === 'video' && may(membership, 'useCamera')) sources.push(TrackSource.CAMERA);
  if (may(membership, 'speak')) sources.push(TrackSource.MICROPHONE);
  if (may(membership, 'shareScreen')) sources.push(TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO);
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

/** Whether this participant joins muted (muteAll), told to the client in the token metadata; they unmute themselves. */
export const startsMuted = (membership: GrantInput['membership']): boolean => !may(membership, 'joinUnmuted');
