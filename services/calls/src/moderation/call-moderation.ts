import type { Call, CallHand } from '@messenger/contracts';
import { ServiceError } from '@messenger/kit';
import { callNotFound, requireCallPermission, requireLive, ringable, roleOf } from '../calls/call-access.js';
import type { CallAnnouncer } from '../calls/call-announcer.js';
import type { CallLifecycle } from '../calls/call-lifecycle.js';
import type { Directory } from '../calls/groups-client.js';
import type { LiveKitRooms } from '../livekit/livekit-rooms.js';
import type { CallSessionRepository } from '../sessions/call-session.repository.js';

/**
 * What one person does to another in a call: a moderator mutes, removes or lowers a hand (`moderateCall`), and
 * whoever may start a call rings a member again (`ringAgain`). The person acted on is told (`call.moderated`), so a
 * mute or a drop never comes unexplained.
 */
export class CallModeration {
  constructor(
    private readonly sessions: CallSessionRepository,
    private readonly rooms: LiveKitRooms,
    private readonly directory: Directory,
    private readonly lifecycle: CallLifecycle,
    private readonly announcer: CallAnnouncer,
    private readonly ringTimeoutMs: number,
  ) {}

  /** Mutes every live microphone of theirs; they may unmute themselves (muting is not a gag: see `speak`). */
  async mute(userId: string, callId: string, targetId: string): Promise<Call> {
    const call = await this.moderating(userId, callId, targetId);
    if ((await this.rooms.muteMicrophone(callId, targetId)) > 0) this.announcer.moderated(targetId, callId, 'muted', userId);
    return call;
  }

  /** Out of the call, media included; still a member of the chat, so they may join again. */
  async remove(userId: string, callId: string, targetId: string): Promise<Call> {
    const call = await this.moderating(userId, callId, targetId);
    await this.lifecycle.dropOut(callId, [targetId]);
    this.announcer.moderated(targetId, callId, 'removed', userId);
    return (await this.sessions.get(callId)) ?? call;
  }

  async lowerHand(userId: string, callId: string, targetId: string): Promise<CallHand> {
    await this.moderating(userId, callId, targetId);
    // Told only when there was a hand to lower: a stale click in the people panel says nothing to them.
    if ((await this.rooms.handOf(callId, targetId)) && (await this.rooms.setHand(callId, targetId, null))) {
      this.announcer.moderated(targetId, callId, 'hand-lowered', userId);
    }
    return { callId, userId: targetId, raisedAt: null };
  }

  /**
   * Rings a member who is not in the call, for a full ring of their own (the sweep stops each ring at its own
   * deadline). They are told like at the start (`call.incoming`, ringing), and everyone sees them among the invited.
   */
  async ring(userId: string, callId: string, targetId: string): Promise<Call> {
    const call = await this.sessions.get(callId);
    if (!call) throw callNotFound();
    const membership = await this.directory.membership(call.chatId, userId);
    requireCallPermission(membership, 'ringAgain');
    requireLive(call);
    if (!membership.memberIds.includes(targetId)) throw new ServiceError('NOT_FOUND', 'not a member of this chat');
    if (call.participants.includes(targetId)) throw new ServiceError('ALREADY_IN_CALL', 'they are in the call already');
    if (!ringable(membership, targetId)) throw new ServiceError('RING_MUTED', 'they asked not to be rung in this chat');
    const outcome = await this.sessions.ring(callId, targetId, Date.now() + this.ringTimeoutMs);
    if (outcome === 'in-call') throw new ServiceError('ALREADY_IN_CALL', 'they are in the call already');
    if (outcome !== 'ringing') throw new ServiceError('CONFLICT', 'the call has ended');
    const updated = (await this.sessions.get(callId))!;
    this.announcer.incoming([targetId], updated, userId, () => true);
    await this.announcer.updated(callId, updated);
    return updated;
  }

  /** The call, if the person may moderate it and the target is in it; 404 outside the chat or for a target not in the call. */
  private async moderating(userId: string, callId: string, targetId: string): Promise<Call> {
    const call = await this.sessions.get(callId);
    if (!call) throw callNotFound();
    const membership = await this.directory.membership(call.chatId, userId);
    requireCallPermission(membership, 'moderateCall');
    if (!call.participants.includes(targetId)) throw new ServiceError('NOT_FOUND', 'not in this call');
    requireCallPermission(membership, 'moderateCall', roleOf(membership, targetId));
    return call;
  }
}
