import type { Logger } from '@messenger/kit';
import type { LiveKitRooms } from '../livekit/livekit-rooms.js';
import type { CallSessionRepository } from '../sessions/call-session.repository.js';
import type { CallAnnouncer } from './call-announcer.js';
import type { CallLifecycle } from './call-lifecycle.js';

/**
 * What the clock and lost messages leave behind: rings and empty calls past their deadlines (sweep, every
 * CALL_SWEEP_MS on every replica: the Lua sweep is atomic, and only the replica whose run ended a call announces it),
 * and sessions whose LiveKit room is gone without a word (reconcile).
 */
export class CallJanitor {
  constructor(
    private readonly sessions: CallSessionRepository,
    private readonly rooms: LiveKitRooms,
    private readonly lifecycle: CallLifecycle,
    private readonly announcer: CallAnnouncer,
    private readonly logger: Logger,
  ) {}

  /** Ends what the clock ended: unanswered personal calls (missed) and group calls left empty. */
  async sweep(): Promise<void> {
    const { ended, quieted } = await this.sessions.sweep();
    for (const id of ended) await this.announcer.ended(id);
    // The group call goes on, but those whose ring ran out are rung no more: their incoming-call cards close.
    for (const id of quieted) await this.announcer.updated(id);
  }

  /**
   * Compares live sessions with LiveKit's rooms and ends those whose room is gone, so a webhook that never arrived
   * cannot leave a call live forever. Young calls are skipped: their room may not be listed yet.
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
      await this.lifecycle.finish(id, 'room-gone');
      ended.push(id);
    }
    if (ended.length) this.logger.warn({ callIds: ended }, 'ended calls whose LiveKit room was gone');
    return ended;
  }
}
