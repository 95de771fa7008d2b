import type { PresenceStatus } from '@messenger/contracts';
import { ServiceError } from '@messenger/kit';
import type { UserCache } from '../accounts/user-cache.js';
import type { PresenceAnnouncer, PresenceOutlets } from './presence-announcer.js';
import type { PresenceRepository } from './presence.repository.js';

export class PresenceService {
  constructor(
    private readonly presence: PresenceRepository,
    private readonly users: UserCache,
    private readonly announcer: PresenceAnnouncer,
    private readonly outlets: Pick<PresenceOutlets, 'contactsOf'>,
  ) {}

  async socketOpened(userId: string, gatewayId: string): Promise<void> {
    if (await this.presence.opened(userId, gatewayId)) this.announcer.cameOnline({ userId, online: true, lastSeenAt: null });
  }

  async socketClosed(userId: string, gatewayId: string): Promise<void> {
    const at = await this.presence.closed(userId, gatewayId);
    if (at !== null) this.wentOffline(userId, at);
  }

  heartbeat(gatewayId: string): Promise<void> {
    return this.presence.heartbeat(gatewayId);
  }

  async sweep(lockMs: number): Promise<void> {
    if (!(await this.presence.takeSweepTurn(lockMs))) return;
    for (const { userId, at } of await this.presence.sweep()) this.wentOffline(userId, at);
  }

  /**
   * Online state and last seen of the people the caller shares a chat with (and the caller's own); anyone else is
   * left out, as an unknown id is, so a stranger learns neither when someone was last seen nor that they exist.
   */
  async statuses(callerId: string, userIds: string[]): Promise<PresenceStatus[]> {
    const contacts = (await this.outlets.contactsOf([callerId]))?.get(callerId);
    if (!contacts) throw new ServiceError('SERVICE_UNAVAILABLE', 'who you share chats with is unknown right now; try again');
    const visible = new Set([callerId, ...contacts]);
    const unique = [...new Set(userIds)].filter((id) => visible.has(id));
    const [states, known] = await Promise.all([this.presence.states(unique), this.users.getMany(unique)]);
    return unique.flatMap((id, i) => {
      const user = known.get(id);
      if (!user) return [];
      const state = states[i]!;
      const seen = state.lastSeenMs === null ? user.lastSeenAt : new Date(state.lastSeenMs).toISOString();
      return [{ userId: id, online: state.online, lastSeenAt: seen }];
    });
  }

  /** The time is already in Redis (and queued for the store by it): nothing else to save here. */
  private wentOffline(userId: string, at: number): void {
    this.announcer.wentOffline({ userId, online: false, lastSeenAt: new Date(at).toISOString() });
  }
}
