import type { NatsConnection } from '@nats-io/transport-node';
import { SUBJECT, type PresenceStatus, type ServerFrame } from '@messenger/contracts';
import { askService, publishPush, type Logger } from '@messenger/kit';
import type { UserCache } from '../accounts/user-cache.js';
import type { PresenceRepository } from './presence.repository.js';

export class PresenceService {
  constructor(
    private readonly presence: PresenceRepository,
    private readonly users: UserCache,
    private readonly nats: NatsConnection,
    private readonly logger: Logger,
  ) {}

  async socketOpened(userId: string, gatewayId: string): Promise<void> {
    if (await this.presence.opened(userId, gatewayId)) await this.announce({ userId, online: true, lastSeenAt: null });
  }

  async socketClosed(userId: string, gatewayId: string): Promise<void> {
    const at = await this.presence.closed(userId, gatewayId);
    if (at !== null) await this.wentOffline(userId, at);
  }

  heartbeat(gatewayId: string): Promise<void> {
    return this.presence.heartbeat(gatewayId);
  }

  async sweep(lockMs: number): Promise<void> {
    if (!(await this.presence.takeSweepTurn(lockMs))) return;
    for (const { userId, at } of await this.presence.sweep()) await this.wentOffline(userId, at);
  }

  async statuses(userIds: string[]): Promise<PresenceStatus[]> {
    const unique = [...new Set(userIds)];
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
  private wentOffline(userId: string, at: number): Promise<void> {
    return this.announce({ userId, online: false, lastSeenAt: new Date(at).toISOString() });
  }

  /** Tells everyone who shares a chat with the user; until the groups service answers, nobody does. */
  private async announce(status: PresenceStatus): Promise<void> {
    // Who shares a chat with the user: the groups service answers from Redis.
    const reply = await askService(this.nats, SUBJECT.groups.contacts, { userId: status.userId }, { timeoutMs: 2_000 });
    if (!reply.ok) {
      if (reply.error.code !== 'SERVICE_UNAVAILABLE') this.logger.warn({ code: reply.error.code }, 'presence contacts lookup failed');
      return;
    }
    const frame = JSON.stringify({ type: 'presence', data: status } satisfies ServerFrame<'presence'>);
    publishPush(this.nats, reply.reply.userIds, frame);
  }
}
