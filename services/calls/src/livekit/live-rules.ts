import type { Call, Membership } from '@messenger/contracts';
import type { Directory } from '../calls/groups-client.js';
import type { CallSessionRepository } from '../sessions/call-session.repository.js';
import { callGrant, startsMuted } from './call-grants.js';
import type { LiveKitRooms } from './livekit-rooms.js';

/**
 * What `decide` says a participant may do, put where LiveKit enforces it: in the token at each join, and on the
 * connection in the room when the chat's rules change mid-call (new call settings, a promotion or a demotion).
 */
export class LiveRules {
  constructor(
    private readonly sessions: CallSessionRepository,
    private readonly rooms: LiveKitRooms,
    private readonly directory: Directory,
  ) {}

  /** The media token for a seat in the call: one room, what the person may publish, and whether they join muted. */
  async token(userId: string, call: Pick<Call, 'id' | 'type'>, membership: Membership, seat: string) {
    const user = await this.directory.user(userId);
    return this.rooms.token(user, callGrant({ room: call.id, membership, callType: call.type }), {
      startMuted: startsMuted(membership),
      seat,
    });
  }

  /**
   * New call settings reach everyone in the call at once. Live microphones are muted only when muteAll has just been
   * switched on: muteAll means "join muted, unmute yourself", so a member who has unmuted since stays heard when some
   * other setting changes.
   */
  async callSettingsChanged(chatId: string, muteAll: boolean): Promise<void> {
    const call = await this.liveCallOf(chatId);
    if (!call) return;
    await this.apply(call, call.participants, await this.sessions.noteMuteAll(call.id, muteAll));
  }

  /** A promotion, demotion or transfer changes what those people may publish at once; a demoted one joins muted now. */
  async rolesChanged(chatId: string, userIds: string[]): Promise<void> {
    const call = await this.liveCallOf(chatId);
    if (!call) return;
    await this.apply(
      call,
      call.participants.filter((id) => userIds.includes(id)),
      true,
    );
  }

  private async liveCallOf(chatId: string): Promise<Call | null> {
    const callId = await this.sessions.liveCallOfChat(chatId);
    return callId ? this.sessions.get(callId) : null;
  }

  /** LiveKit applies a new grant at once; `mute` also mutes the live microphone of whoever must now join muted. */
  private async apply(call: Call, userIds: string[], mute: boolean): Promise<void> {
    for (const userId of userIds) {
      const membership = await this.directory.membership(call.chatId, userId).catch(() => null);
      if (!membership) continue;
      await this.rooms.updatePermissions(call.id, userId, callGrant({ room: call.id, membership, callType: call.type }));
      if (mute && startsMuted(membership)) await this.rooms.muteMicrophone(call.id, userId);
    }
  }
}
