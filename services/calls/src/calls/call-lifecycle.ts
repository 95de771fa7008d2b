import { randomBytes } from 'node:crypto';
import type { Call, EndReason, Membership } from '@messenger/contracts';
import { ServiceError, type Logger } from '@messenger/kit';
import type { CallLogRepository } from '../log/call-log.repository.js';
import type { LiveKitRooms } from '../livekit/livekit-rooms.js';
import type { LiveRules } from '../livekit/live-rules.js';
import type { CallSessionRepository } from '../sessions/call-session.repository.js';
import { callNotFound, requireCallPermission, requireLive, ringable } from './call-access.js';
import type { CallAnnouncer } from './call-announcer.js';
import type { Directory } from './groups-client.js';

/** The clock and counts a call runs by (RING_TIMEOUT_MS, CALL_STARTS_PER_MINUTE, CALL_EMPTY_GRACE_MS). */
export interface CallLimits {
  ringTimeoutMs: number;
  startsPerMinute: number;
  emptyGraceMs: number;
}

type Departure = Awaited<ReturnType<CallSessionRepository['leave']>>;

/**
 * A call from start to end: start, join, decline, leave, end, and what people see of calls (active, history).
 * State lives in Redis (CallSessionRepository), so any replica can take the next request for a call; LiveKit
 * carries the media.
 */
export class CallLifecycle {
  constructor(
    private readonly sessions: CallSessionRepository,
    private readonly rooms: LiveKitRooms,
    private readonly directory: Directory,
    private readonly rules: LiveRules,
    private readonly announcer: CallAnnouncer,
    private readonly log: CallLogRepository,
    private readonly logger: Logger,
    private readonly limits: CallLimits,
  ) {}

  async start(userId: string, chatId: string, type: Call['type']) {
    const membership = await this.directory.membership(chatId, userId);
    requireCallPermission(membership, 'startCall');
    const live = await this.sessions.liveCallOfChat(chatId);
    if (live) return this.join(userId, live, membership);
    const wait = await this.sessions.throttleStart(userId, this.limits.startsPerMinute);
    if (wait > 0) throw new ServiceError('RATE_LIMITED', 'too many calls started; wait a little', { retryAfterSeconds: wait });

    const others = membership.memberIds.filter((id) => id !== userId);
    const id = `c_${randomBytes(16).toString('base64url')}`;
    const invited = this.whoIsRung(membership, others);
    const started = await this.sessions.start({
      id,
      chatId,
      chatType: membership.chatType,
      type,
      initiatorId: userId,
      members: membership.memberIds,
      invited,
      ringDeadlineMs: Date.now() + this.limits.ringTimeoutMs,
      muteAll: membership.callSettings.muteAll,
    });
    if (!started.created) return this.join(userId, started.id, membership); // another start won the race
    this.logger.info({ callId: id, chatId, type, initiatorId: userId, event: 'call.started' }, 'call started');
    const callee = membership.chatType === 'personal' ? others[0] : undefined;
    const [fresh, calleeBusyWith] = await Promise.all([this.sessions.get(id), callee ? this.sessions.currentCallOf(callee) : null]);
    const announced = this.announcer.started(fresh!);
    if (calleeBusyWith && calleeBusyWith !== id) {
      await announced;
      await this.finish(id, 'busy');
      return { call: (await this.sessions.get(id))!, join: null };
    }
    // The room, the caller's seat and the event go out together, and the ring as soon as the room and the seat are
    // there: one after another they made start → ring the sum of a LiveKit call, a JetStream publish and the join.
    let joined: Awaited<ReturnType<CallLifecycle['join']>>;
    try {
      [joined] = await Promise.all([this.join(userId, id, membership), this.rooms.create(id)]);
    } catch (error) {
      await announced;
      await this.finish(id, 'room-gone');
      throw error;
    }
    this.announcer.incoming(others, joined.call, userId, (to) => invited.includes(to));
    await announced;
    return joined;
  }

  /** Who is rung: in a group, its policy minus members who asked not to be; the others get a silent notice. */
  private whoIsRung(membership: Membership, others: string[]): string[] {
    if (membership.chatType === 'personal') return others;
    const policy = membership.callSettings.ring;
    if (policy === 'nobody') return [];
    return others.filter((id) => ringable(membership, id) && (policy === 'everyone' || membership.adminIds.includes(id)));
  }

  async join(userId: string, callId: string, known?: Membership) {
    const call = await this.sessions.get(callId);
    if (!call) throw callNotFound();
    const membership = known ?? (await this.directory.membership(call.chatId, userId));
    requireCallPermission(membership, 'joinCall');
    requireLive(call);
    const result = await this.sessions.join(callId, userId);
    if (result.outcome !== 'joined') throw new ServiceError('CONFLICT', 'the call has ended');
    await this.sessions.note(callId, 'join', userId);
    const updated = (await this.sessions.get(callId))!;
    if (result.previous === 'ringing' && userId !== call.initiatorId && call.chatType === 'personal') {
      this.announcer.answeredElsewhere(userId, callId);
    }
    this.logger.info({ callId, userId, event: 'call.joined' }, 'joined call');
    await this.announcer.updated(callId, updated);
    return { call: updated, join: await this.rules.token(userId, call, membership, result.seat) };
  }

  async decline(userId: string, callId: string): Promise<Call> {
    const call = await this.visible(userId, callId);
    const outcome = await this.sessions.decline(callId, userId);
    this.logger.info({ callId, userId, outcome, event: 'call.declined' }, 'declined call');
    if (outcome === 'ended') await this.announcer.ended(callId);
    // In a group the call goes on: those in it see the person is no longer being rung (and may ring them again).
    else if (outcome === 'declined') await this.announcer.updated(callId);
    return (await this.sessions.get(callId)) ?? call;
  }

  async leave(userId: string, callId: string): Promise<Call> {
    const call = await this.visible(userId, callId);
    const outcome = await this.depart(callId, userId, { disconnect: true });
    this.logger.info({ callId, userId, outcome, event: 'call.left' }, 'left call');
    return (await this.sessions.get(callId)) ?? call;
  }

  /** A personal call: either side hangs up for both. A group call: whoever `decide` lets end it for everyone. */
  async end(userId: string, callId: string): Promise<Call> {
    const call = await this.sessions.get(callId);
    if (!call) throw callNotFound();
    requireCallPermission(await this.directory.membership(call.chatId, userId), 'endCallForAll');
    await this.finish(callId, call.chatType === 'personal' ? 'hangup' : 'ended-by-admin');
    return (await this.sessions.get(callId)) ?? call;
  }

  /** Calls I am in or being rung for, so a reloaded page can rejoin. */
  async active(userId: string): Promise<{ items: Call[] }> {
    const calls = await Promise.all((await this.sessions.callIdsOf(userId)).map((id) => this.sessions.get(id)));
    return {
      items: calls.filter((c): c is Call => !!c && c.status !== 'ended' && (c.participants.includes(userId) || c.invited.includes(userId))),
    };
  }

  /** The chat's call log, for members only. */
  async history(userId: string, chatId: string, limit: number) {
    await this.directory.membership(chatId, userId);
    return { items: await this.log.forChat(chatId, limit), nextCursor: null };
  }

  /** Ends the call for this reason, once: only the caller whose end took effect announces it. */
  async finish(callId: string, reason: EndReason): Promise<void> {
    if (await this.sessions.end(callId, reason)) await this.announcer.ended(callId);
  }

  /**
   * Takes people out of the call, media included (a moderator's removal, a member removed from the chat, a
   * connection that does not belong). They are still members if they were: they may join again.
   */
  async dropOut(callId: string, userIds: string[]): Promise<void> {
    for (const userId of userIds) {
      const outcome = await this.depart(callId, userId, { disconnect: true });
      if (outcome === 'left' || outcome === 'ended') this.logger.info({ callId, userId, event: 'call.removed' }, 'removed from call');
    }
  }

  /**
   * One person leaves the call in Redis and everyone is told: the call ended (a personal call, or the last of a
   * group with no grace), or it goes on without them. `seat`: only that connection leaves (LiveKit's word about an
   * older one is stale); `disconnect`: their media connection is closed too (it is gone already when LiveKit said so).
   */
  async depart(callId: string, userId: string, { seat = '', disconnect }: { seat?: string; disconnect: boolean }): Promise<Departure> {
    const outcome = await this.sessions.leave(callId, userId, this.limits.emptyGraceMs, { seat });
    // An ended call's room is deleted, which disconnects everyone: one LiveKit request fewer on a hang-up.
    if (disconnect && outcome !== 'ended') await this.rooms.removeParticipant(callId, userId);
    if (outcome !== 'ended' && outcome !== 'left') return outcome;
    await this.sessions.note(callId, 'leave', userId);
    if (outcome === 'ended') await this.announcer.ended(callId);
    else await this.announcer.updated(callId);
    return outcome;
  }

  /** A member removed from the group leaves its live call at once, media included, and hears no more of it. */
  async removedFromChat(chatId: string, userIds: string[]): Promise<void> {
    const callId = await this.sessions.liveCallOfChat(chatId);
    if (!callId) return;
    await this.sessions.dropFromAudience(callId, userIds);
    // Their last word of it: no longer invited, so a card still ringing on their devices closes.
    await this.announcer.updated(callId, undefined, userIds);
    await this.dropOut(callId, userIds);
  }

  async chatDeleted(chatId: string): Promise<void> {
    const callId = await this.sessions.liveCallOfChat(chatId);
    if (callId) await this.finish(callId, 'chat-deleted');
  }

  /** Calls are visible to the members of their chat only; anyone else gets 404. */
  private async visible(userId: string, callId: string): Promise<Call> {
    const call = await this.sessions.get(callId);
    if (!call) throw callNotFound();
    await this.directory.membership(call.chatId, userId);
    return call;
  }
}
