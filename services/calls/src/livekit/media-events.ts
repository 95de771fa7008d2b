import { ServiceError, type Logger } from '@messenger/kit';
import type { CallLifecycle } from '../calls/call-lifecycle.js';
import type { CallMetrics } from '../calls/call-metrics.js';
import type { Directory } from '../calls/groups-client.js';
import type { CallSessionRepository } from '../sessions/call-session.repository.js';
import type { LiveKitRooms } from './livekit-rooms.js';

/**
 * What LiveKit's webhooks tell about the media, and what follows from it. A published microphone is not among them:
 * muteAll means "join muted, unmute yourself", and unmuting publishes the microphone, so muting a new publication
 * would enforce nothing and only swallow a member's first click (`onlyAdminsCanSpeak` is LiveKit's own refusal,
 * through the token).
 */
export class MediaEvents {
  constructor(
    private readonly sessions: CallSessionRepository,
    private readonly rooms: LiveKitRooms,
    private readonly directory: Directory,
    private readonly lifecycle: CallLifecycle,
    private readonly metrics: CallMetrics,
    private readonly logger: Logger,
  ) {}

  /**
   * Someone's media is connected. Only the holder of a current seat, still a member of the chat, belongs there: a
   * token kept from before a removal, a leave or a later join is turned out at once. For the others the call setup
   * time is measured from their last join.
   */
  async joined(callId: string, userId: string, seat: string | undefined, now = Date.now()): Promise<void> {
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
      await this.lifecycle.dropOut(callId, [userId]);
      return;
    }
    const joined = timeline.filter((entry) => entry.kind === 'join' && entry.userId === userId).at(-1);
    if (joined && now >= joined.at) this.metrics.setupDuration.record((now - joined.at) / 1000, { 'call.type': call.type });
  }

  /**
   * The person's media is gone (tab closed, network lost past the departure timeout). Word about an older
   * connection (another seat) does not take out someone who has joined again since.
   */
  async left(callId: string, userId: string, seat: string | undefined): Promise<void> {
    await this.lifecycle.depart(callId, userId, { seat, disconnect: false });
  }

  /** LiveKit closed the room (empty for too long, or deleted): the call cannot go on without it. */
  async roomFinished(callId: string): Promise<void> {
    await this.lifecycle.finish(callId, 'room-gone');
  }
}
