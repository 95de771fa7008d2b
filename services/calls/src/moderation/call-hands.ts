import type { CallHand } from '@messenger/contracts';
import { ServiceError } from '@messenger/kit';
import type { LiveKitRooms } from '../livekit/livekit-rooms.js';
import type { CallSessionRepository } from '../sessions/call-session.repository.js';

/**
 * Raised hands. The hand is the `hand` attribute of the person's LiveKit participant, set only by the server
 * (tokens never let a participant set its own attributes), to the server's clock: everyone in the room sees it
 * change at once, and the order of hands cannot be forged by a client's clock. A moderator lowers someone else's
 * hand through CallModeration.
 */
export class CallHands {
  constructor(
    private readonly sessions: CallSessionRepository,
    private readonly rooms: LiveKitRooms,
  ) {}

  /** Raising a hand already up keeps its time: a second click does not send you to the back of the queue. */
  async raise(userId: string, callId: string): Promise<CallHand> {
    await this.requireParticipant(userId, callId);
    const current = await this.rooms.handOf(callId, userId);
    if (current) return { callId, userId, raisedAt: current };
    const raisedAt = Date.now();
    if (current === undefined || !(await this.rooms.setHand(callId, userId, raisedAt))) {
      throw new ServiceError('CONFLICT', 'connect to the call first: the hand is shown in the room', { connected: false });
    }
    return { callId, userId, raisedAt };
  }

  /** Lowering a hand that is down, or with no connection to the room, changes nothing and is not an error. */
  async lower(userId: string, callId: string): Promise<CallHand> {
    await this.requireParticipant(userId, callId);
    await this.rooms.setHand(callId, userId, null);
    return { callId, userId, raisedAt: null };
  }

  /** Only someone in the call has a hand there; anyone else gets the same 404 as for a call they cannot see. */
  private async requireParticipant(userId: string, callId: string): Promise<void> {
    if ((await this.sessions.seatOf(callId, userId)) === null) throw new ServiceError('NOT_FOUND', 'not in this call');
  }
}
