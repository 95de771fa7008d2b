import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { EVENT, type Call, type EndReason, type Membership, type ServerFrame, type ServerFrameType } from '@messenger/contracts';
import { publishPush, ServiceError, type Logger, type Outbox } from '@messenger/kit';
import { callLogEntry } from '../log/call-log-entry.js';
import type { CallLogRepository } from '../log/call-log.repository.js';
import { callGrant, startsMuted } from '../livekit/call-grants.js';
import type { LiveKitRooms } from '../livekit/livekit-rooms.js';
import type { CallSessionRepository } from '../sessions/call-session.repository.js';
import { callMetrics } from './call-metrics.js';
import type { Directory } from './groups-client.js';

export interface CallRules {
  ringTimeoutMs: number;
  startsPerMinute: number;
  emptyGraceMs: number;
}

const notFound = () => new ServiceError('NOT_FOUND', 'call not found');
const canStart = (m: Membership) =>
  m.chatType === 'personal' || m.role === 'owner' || m.role === 'admin' || (m.chatType === 'group' && m.permissions.canStartCall);

/**
 * Who may call, join and end, decided here; LiveKit carries the media. State lives in Redis
 * (CallSessionRepository), so any replica can take the next request for a call.
 */
export class CallsService {
  private readonly metrics: ReturnType<typeof callMetrics>;

  constructor(
    private readonly sessions: CallSessionRepository,
    private readonly rooms: LiveKitRooms,
    private readonly directory: Directory,
    private readonly nats: NatsConnection,
    private readonly logger: Logger,
    private readonly rules: CallRules,
    private readonly log: CallLogRepository,
    private readonly events: Outbox,
  ) {
    this.metrics = callMetrics(sessions);
  }

  async start(userId: string, chatId: string, type: Call['type']) {
    const membership = await this.directory.membership(chatId, userId);
    if (!canStart(membership))
      throw new ServiceError('PERMISSION_DENIED', 'you may not start calls in this chat', { permission: 'canStartCall' });
    const live = await this.sessions.liveCallOfChat(chatId);
    if (live) return this.join(userId, live, membership);
    const wait = await this.sessions.throttleStart(userId, this.rules.startsPerMinute);
    if (wait > 0) throw new ServiceError('RATE_LIMITED', 'too many calls started; wait a little', { retryAfterSeconds: wait });

    const others = membership.memberIds.filter((id) => id !== userId);
    const ringable = others.filter((id) => !membership.ringMutedIds.includes(id));
    const ring = membership.callSettings.ring;
    // Who is rung: the group's policy, minus members who asked not to be; the others get a silent notice.
    const invited =
      membership.chatType === 'personal'
        ? others
        : ring === 'everyone'
          ? ringable
          : ring === 'admins'
            ? ringable.filter((id) => membership.adminIds.includes(id))
            : [];
    const id = `c_${randomBytes(16).toString('base64url')}`;
    const started = await this.sessions.start({
      id,
      chatId,
      chatType: membership.chatType,
      type,
      initiatorId: userId,
      members: membership.memberIds,
      invited,
      ringDeadlineMs: Date.now() + this.rules.ringTimeoutMs,
    });
    if (!started.created) return this.join(userId, started.id, membership); // another start won the race
    this.logger.info({ callId: id, chatId, type, initiatorId: userId, event: 'call.started' }, 'call started');
    const callee = membership.chatType === 'personal' ? others[0] : undefined;
    const [fresh, calleeBusyWith] = await Promise.all([this.sessions.get(id), callee ? this.sessions.currentCallOf(callee) : null]);
    const announced = this.announce(() => this.events.publish(EVENT.callStarted, { call: fresh! }, `started:${id}`), id);
    if (calleeBusyWith && calleeBusyWith !== id) {
      await announced;
      await this.finish(id, 'busy');
      return { call: (await this.sessions.get(id))!, join: null };
    }
    // The room, the caller's seat and the event go out together, and the ring as soon as the room and the seat are
    // there: one after another they made start → ring the sum of a LiveKit call, a JetStream publish and the join.
    let joined: Awaited<ReturnType<CallsService['join']>>;
    try {
      [joined] = await Promise.all([this.join(userId, id, membership), this.rooms.create(id)]);
    } catch (error) {
      await announced;
      await this.finish(id, 'room-gone');
      throw error;
    }
    this.push(others, 'call.incoming', { call: joined.call, callerId: userId, ring: false }, (to) => ({
      call: joined.call,
      callerId: userId,
      ring: invited.includes(to),
    }));
    await announced;
    return joined;
  }

  async join(userId: string, callId: string, known?: Membership) {
    const call = await this.sessions.get(callId);
    if (!call) throw notFound();
    const membership = known ?? (await this.directory.membership(call.chatId, userId));
    if (call.status === 'ended') throw new ServiceError('CONFLICT', 'the call has ended', { endReason: call.endReason });
    const result = await this.sessions.join(callId, userId);
    if (result.outcome !== 'joined') throw new ServiceError('CONFLICT', 'the call has ended');
    await this.sessions.note(callId, 'join', userId);
    const updated = (await this.sessions.get(callId))!;
    if (result.previous === 'ringing' && userId !== call.initiatorId && call.chatType === 'personal') {
      this.push([userId], 'call.answered-elsewhere', { callId });
    }
    this.logger.info({ callId, userId, event: 'call.joined' }, 'joined call');
    this.push(await this.sessions.audience(callId), 'call.updated', updated);
    return { call: updated, join: await this.grant(userId, callId, call.type, membership, result.seat) };
  }

  async decline(userId: string, callId: string): Promise<Call> {
    const call = await this.visible(userId, callId);
    const outcome = await this.sessions.decline(callId, userId);
    this.logger.info({ callId, userId, outcome, event: 'call.declined' }, 'declined call');
    if (outcome === 'ended') await this.announceEnd(callId);
    return (await this.sessions.get(callId)) ?? call;
  }

  async leave(userId: string, callId: string): Promise<Call> {
    const call = await this.visible(userId, callId);
    const outcome = await this.sessions.leave(callId, userId, this.rules.emptyGraceMs);
    if (outcome === 'ended' || outcome === 'left') await this.sessions.note(callId, 'leave', userId);
    this.logger.info({ callId, userId, outcome, event: 'call.left' }, 'left call');
    if (outcome === 'ended') await this.announceEnd(callId);
    else if (outcome === 'left') {
      await this.rooms.removeParticipant(callId, userId);
      this.push(await this.sessions.audience(callId), 'call.updated', (await this.sessions.get(callId))!);
    }
    return (await this.sessions.get(callId)) ?? call;
  }

  /** A personal call: either side hangs up for both. A group call: the owner or an admin ends it for all. */
  async end(userId: string, callId: string): Promise<Call> {
    const call = await this.sessions.get(callId);
    if (!call) throw notFound();
    const membership = await this.directory.membership(call.chatId, userId);
    if (call.chatType !== 'personal' && membership.role === 'member') {
      throw new ServiceError('PERMISSION_DENIED', 'only the owner or an admin can end the call for everyone', { permission: 'admin' });
    }
    await this.finish(callId, call.chatType === 'personal' ? 'hangup' : 'ended-by-admin');
    return (await this.sessions.get(callId)) ?? call;
  }

  /** A member removed from the group leaves its live call at once, media included, and hears no more of it. */
  async removedFromChat(chatId: string, userIds: string[]): Promise<void> {
    const callId = await this.sessions.liveCallOfChat(chatId);
    if (!callId) return;
    await this.sessions.dropFromAudience(callId, userIds);
    await this.dropFromCall(callId, userIds);
  }

  private async dropFromCall(callId: string, userIds: string[]): Promise<void> {
    for (const userId of userIds) {
      const outcome = await this.sessions.leave(callId, userId, this.rules.emptyGraceMs);
      await this.rooms.removeParticipant(callId, userId);
      if (outcome === 'not-in-call' || outcome === 'gone') continue;
      await this.sessions.note(callId, 'leave', userId);
      this.logger.info({ callId, userId, event: 'call.removed' }, 'removed from call');
      if (outcome === 'ended') await this.announceEnd(callId);
      else this.push(await this.sessions.audience(callId), 'call.updated', (await this.sessions.get(callId))!);
    }
  }

  async chatDeleted(chatId: string): Promise<void> {
    const callId = await this.sessions.liveCallOfChat(chatId);
    if (callId) await this.finish(callId, 'chat-deleted');
  }

  /**
   * New call settings reach everyone already in the call: LiveKit applies the new grants at once,
   * and with muteAll on, members' live microphones are muted through the room API.
   */
  async callSettingsChanged(chatId: string): Promise<void> {
    await this.applyRules(chatId);
  }

  /** A promotion, demotion or transfer in the middle of a call changes what those people may publish at once. */
  async rolesChanged(chatId: string, userIds: string[]): Promise<void> {
    await this.applyRules(chatId, userIds);
  }

  private async applyRules(chatId: string, only?: string[]): Promise<void> {
    const callId = await this.sessions.liveCallOfChat(chatId);
    const call = callId ? await this.sessions.get(callId) : null;
    if (!call) return;
    for (const userId of call.participants.filter((id) => !only || only.includes(id))) {
      const membership = await this.directory.membership(chatId, userId).catch(() => null);
      if (!membership) continue;
      await this.rooms.updatePermissions(call.id, userId, callGrant({ room: call.id, membership, callType: call.type }));
      if (membership.callSettings.muteAll && membership.role === 'member') await this.rooms.muteMicrophone(call.id, userId);
    }
  }

  /** The owner and admins of a group may mute or remove anyone in its call; personal calls have no moderators. */
  async moderate(userId: string, callId: string, targetId: string, action: 'mute' | 'remove'): Promise<Call> {
    const call = await this.sessions.get(callId);
    if (!call) throw notFound();
    const membership = await this.directory.membership(call.chatId, userId);
    if (call.chatType === 'personal' || membership.role === 'member') {
      throw new ServiceError('PERMISSION_DENIED', 'only the owner or an admin can moderate the call', { permission: 'admin' });
    }
    if (!call.participants.includes(targetId)) throw new ServiceError('NOT_FOUND', 'not in this call');
    this.logger.info({ callId, moderatorId: userId, targetId, action, event: `call.moderated` }, 'call moderated');
    if (action === 'mute') {
      await this.rooms.muteMicrophone(callId, targetId);
      return call;
    }
    await this.dropFromCall(callId, [targetId]); // still a member of the chat: may rejoin
    return (await this.sessions.get(callId)) ?? call;
  }

  /** Calls I am in or being rung for, so a reloaded page can rejoin. */
  async active(userId: string): Promise<{ items: Call[] }> {
    const calls = await Promise.all((await this.sessions.callIdsOf(userId)).map((id) => this.sessions.get(id)));
    return {
      items: calls.filter((c): c is Call => !!c && c.status !== 'ended' && (c.participants.includes(userId) || c.invited.includes(userId))),
    };
  }

  /** muteAll holds even for a client that ignores "join muted": a member's new microphone is muted at once. */
  async microphonePublished(callId: string, userId: string): Promise<void> {
    const call = await this.sessions.get(callId);
    if (!call || call.chatType === 'personal') return;
    const membership = await this.directory.membership(call.chatId, userId).catch(() => null);
    if (membership?.callSettings.muteAll && membership.role === 'member') await this.rooms.muteMicrophone(callId, userId);
  }

  /**
   * LiveKit says someone's media is connected. Only the holder of a current seat, still a member of the chat,
   * belongs there: a token kept from before a removal, a leave or a later join is turned out at once. For the
   * others the call setup time is measured from their last join.
   */
  async mediaJoined(callId: string, userId: string, seat: string | undefined, now = Date.now()): Promise<void> {
    const [call, current, timeline] = await Promise.all([
      this.sessions.get(callId),
      this.sessions.seatOf(callId, userId),
      this.sessions.timeline(callId),
    ]);
    if (!call || call.status === 'ended' || !seat || current !== seat) {
      // Decided on the connection in the room now, not on this word about one: a reload's new connection
      // replaces the old one under the same identity, and late news of the old one must not turn out the new.
      if (current !== null && (await this.rooms.connectedSeat(callId, userId)) === current) return;
      this.logger.warn({ callId, userId, event: 'call.media-refused' }, 'connected to the media without a seat in the call');
      await this.rooms.removeParticipant(callId, userId);
      return;
    }
    const member = await this.directory.membership(call.chatId, userId).then(
      () => true,
      (error: unknown) => {
        if (error instanceof ServiceError && error.payload.code === 'NOT_FOUND') return false;
        throw error;
      },
    );
    if (!member) {
      this.logger.warn({ callId, userId, event: 'call.media-refused' }, 'connected to the media but no longer in the chat');
      await this.dropFromCall(callId, [userId]);
      return;
    }
    const joined = timeline.filter((entry) => entry.kind === 'join' && entry.userId === userId).at(-1);
    if (joined && now >= joined.at) this.metrics.setupDuration.record((now - joined.at) / 1000, { 'call.type': call.type });
  }

  /**
   * LiveKit says the person's media is gone (tab closed, network lost past the departure timeout). Word about
   * an older connection (another seat) does not take out someone who has joined again since.
   */
  async mediaLeft(callId: string, userId: string, seat: string | undefined): Promise<void> {
    const outcome = await this.sessions.leave(callId, userId, this.rules.emptyGraceMs, { seat: seat ?? '' });
    if (outcome === 'not-in-call' || outcome === 'gone' || outcome === 'already-ended' || outcome === 'stale') return;
    await this.sessions.note(callId, 'leave', userId);
    if (outcome === 'ended') await this.announceEnd(callId);
    else this.push(await this.sessions.audience(callId), 'call.updated', (await this.sessions.get(callId))!);
  }

  /**
   * Compares live sessions with LiveKit's rooms and ends those whose room is gone, so a webhook
   * that never arrived cannot leave a call live forever. Young calls are skipped: their room may
   * not be listed yet.
   */
  async reconcile(minAgeMs: number): Promise<string[]> {
    const live = await this.sessions.liveCallIds();
    if (!live.length) return [];
    const rooms = await this.rooms.roomNames();
    const ended: string[] = [];
    for (const id of live) {
      const call = await this.sessions.get(id);
      if (!call) await this.sessions.forgetLive(id);
      else await this.sessions.keepAlive(id);
      if (!call || rooms.has(id) || Date.now() - Date.parse(call.createdAt) < minAgeMs) continue;
      await this.finish(id, 'room-gone');
      ended.push(id);
    }
    if (ended.length) this.logger.warn({ callIds: ended }, 'ended calls whose LiveKit room was gone');
    return ended;
  }

  /** Ends what the clock ended: unanswered personal calls (missed) and group calls left empty. */
  async sweep(): Promise<void> {
    const { ended, quieted } = await this.sessions.sweep();
    for (const id of ended) await this.announceEnd(id);
    // The group call goes on, but nobody is rung any more: their incoming-call cards close.
    for (const id of quieted) {
      const call = await this.sessions.get(id);
      if (call) this.push(await this.sessions.audience(id), 'call.updated', call);
    }
  }

  async finish(callId: string, reason: EndReason): Promise<void> {
    if (await this.sessions.end(callId, reason)) await this.announceEnd(callId);
  }

  private async announceEnd(callId: string): Promise<void> {
    const call = await this.sessions.get(callId);
    if (!call) return;
    await this.rooms.delete(callId);
    // The call log itself is written by this service's own consumer of the fact below (recordLog), so a store
    // hiccup delays it and loses nothing.
    const entry = callLogEntry(call, await this.sessions.timeline(callId));
    this.logger.info(
      { callId, chatId: call.chatId, endReason: call.endReason, durationSeconds: entry.durationSeconds, event: 'call.ended' },
      'call ended',
    );
    this.push(await this.sessions.audience(callId), 'call.ended', call);
    await this.announce(
      () => this.events.publish(EVENT.callEnded, { call, durationSeconds: entry.durationSeconds }, `ended:${callId}`),
      callId,
    );
  }

  /** Writes an ended call's log entry (from the callEnded fact, retried until it is stored; idempotent). */
  async recordLog(call: Call): Promise<void> {
    await this.log.record(callLogEntry(call, await this.sessions.timeline(call.id)));
  }

  /** The chat's call log, for members only. */
  async history(userId: string, chatId: string, limit: number) {
    await this.directory.membership(chatId, userId);
    return { items: await this.log.forChat(chatId, limit), nextCursor: null };
  }

  /**
   * A fact the groups service turns into a chat line. The outbox keeps it through a NATS hiccup; only if Redis
   * fails too is it logged and lost, and the call goes on.
   */
  private async announce(publish: () => Promise<void>, callId: string): Promise<void> {
    try {
      await publish();
    } catch (error) {
      this.logger.error({ err: error, callId }, 'call event not published');
    }
  }

  /** Calls are visible to the members of their chat only; anyone else gets 404. */
  private async visible(userId: string, callId: string): Promise<Call> {
    const call = await this.sessions.get(callId);
    if (!call) throw notFound();
    await this.directory.membership(call.chatId, userId);
    return call;
  }

  private async grant(userId: string, room: string, type: Call['type'], membership: Membership, seat: string) {
    const user = await this.directory.user(userId);
    return this.rooms.token(user, callGrant({ room, membership, callType: type }), { startMuted: startsMuted(membership), seat });
  }

  private push<T extends ServerFrameType>(
    to: string[],
    type: T,
    data: ServerFrame<T>['data'],
    per?: (userId: string) => ServerFrame<T>['data'],
  ): void {
    publishPush(this.nats, to, per ? (userId) => JSON.stringify({ type, data: per(userId) }) : JSON.stringify({ type, data }));
  }
}
