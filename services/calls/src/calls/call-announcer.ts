import type { NatsConnection } from '@nats-io/transport-node';
import { EVENT, type Call, type ModerationAction, type ServerFrame, type ServerFrameType } from '@messenger/contracts';
import { publishPush, type Logger, type Outbox } from '@messenger/kit';
import { callLogEntry } from '../log/call-log-entry.js';
import type { CallLogRepository } from '../log/call-log.repository.js';
import type { LiveKitRooms } from '../livekit/livekit-rooms.js';
import type { CallSessionRepository } from '../sessions/call-session.repository.js';

/**
 * Everything the calls service tells: pushes to people's sockets (best effort: a client that reconnects re-syncs
 * over HTTP), facts through the Outbox (they must not be lost: the groups service writes them into the chat), and
 * the call log written from the call-ended fact. The rules live elsewhere; this only says what happened.
 */
export class CallAnnouncer {
  constructor(
    private readonly nats: NatsConnection,
    private readonly sessions: CallSessionRepository,
    private readonly rooms: LiveKitRooms,
    private readonly events: Outbox,
    private readonly log: CallLogRepository,
    private readonly logger: Logger,
  ) {}

  /**
   * The call to people in its chat: `ring` says whose devices ring. It carries the LiveKit URL the join will name, so
   * a ringing client can open the connection while the person decides.
   */
  incoming(to: string[], call: Call, callerId: string, ring: (userId: string) => boolean): void {
    const url = this.rooms.publicUrl;
    this.push(to, 'call.incoming', (userId) => ({ call, callerId, ring: ring(userId), url }));
  }

  /** The call as it is now (read again unless the caller just did), to everyone who hears about it, or to `to`. */
  async updated(callId: string, known?: Call, to?: string[]): Promise<void> {
    const call = known ?? (await this.sessions.get(callId));
    if (call) this.push(to ?? (await this.sessions.audience(callId)), 'call.updated', call);
  }

  answeredElsewhere(userId: string, callId: string): void {
    this.push([userId], 'call.answered-elsewhere', { callId });
  }

  /** Told to the person a moderator acted on, and to nobody else: the others see the result in the call. */
  moderated(targetId: string, callId: string, action: ModerationAction, byId: string): void {
    this.logger.info({ callId, moderatorId: byId, targetId, action, event: 'call.moderated' }, 'call moderated');
    this.push([targetId], 'call.moderated', { callId, action, byId });
  }

  started(call: Call): Promise<void> {
    return this.publish(() => this.events.publish(EVENT.callStarted, { call }, `started:${call.id}`), call.id);
  }

  /** A call that just ended: its room goes (nobody stays on its media), its people are told, and the fact goes out. */
  async ended(callId: string): Promise<void> {
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
    await this.publish(
      () => this.events.publish(EVENT.callEnded, { call, durationSeconds: entry.durationSeconds }, `ended:${callId}`),
      callId,
    );
  }

  /** Writes an ended call's log entry (from the callEnded fact, retried until it is stored; idempotent). */
  async recordLog(call: Call): Promise<void> {
    await this.log.record(callLogEntry(call, await this.sessions.timeline(call.id)));
  }

  /**
   * A fact the groups service turns into a chat line. The outbox keeps it through a NATS hiccup; only if Redis
   * fails too is it logged and lost, and the call goes on.
   */
  private async publish(publish: () => Promise<void>, callId: string): Promise<void> {
    try {
      await publish();
    } catch (error) {
      this.logger.error({ err: error, callId }, 'call event not published');
    }
  }

  /** One frame for everyone, or one made for each person. */
  private push<T extends ServerFrameType>(
    to: string[],
    type: T,
    data: ServerFrame<T>['data'] | ((userId: string) => ServerFrame<T>['data']),
  ): void {
    publishPush(
      this.nats,
      to,
      typeof data === 'function' ? (userId) => JSON.stringify({ type, data: data(userId) }) : JSON.stringify({ type, data }),
    );
  }
}
