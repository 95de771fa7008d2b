import type { NatsConnection } from '@nats-io/transport-node';
import { type PresenceStatus, type ServerFrame } from '@messenger/contracts';
import { publishPush, requestService, type Logger } from '@messenger/kit';
import type { AccountsRepository } from '../accounts/accounts.repository.js';
import type { PresenceRepository } from './presence.repository.js';

/** Who shares a chat with a user: answered by the groups service. */
export const CONTACTS_SUBJECT = 'groups.members.contacts';

export class PresenceService {
  constructor(
    private readonly presence: PresenceRepository,
    private readonly accounts: AccountsRepository,
    private readonly nats: NatsConnection,
    private readonly logger: Logger,
  ) {}

  async socketOpened(userId: string, gatewayId: string): Promise<void> {
    if (await this.presence.opened(userId, gatewayId)) await this.announce({ userId, online: true, lastSeenAt: null });
  }

  async socketClosed(userId: string, gatewayId: string): Promise<void> {
    if (await this.presence.closed(userId, gatewayId)) await this.wentOffline(userId);
  }

  heartbeat(gatewayId: string): Promise<void> {
    return this.presence.heartbeat(gatewayId);
  }

  async sweep(lockMs: number): Promise<void> {
    if (!(await this.presence.takeSweepTurn(lockMs))) return;
    for (const userId of await this.presence.sweep()) await this.wentOffline(userId);
  }

  async statuses(userIds: string[]): Promise<PresenceStatus[]> {
    const unique = [...new Set(userIds)];
    const [states, accounts] = await Promise.all([this.presence.states(unique), this.accounts.findManyByIds(unique)]);
    const stored = new Map(accounts.map((a) => [a._id.toHexString(), a.lastSeenAt]));
    return unique
      .map((id, i) => ({ id, state: states[i]! }))
      .filter(({ id }) => stored.has(id))
      .map(({ id, state }) => {
        const seen = state.lastSeenMs ?? stored.get(id)?.getTime() ?? null;
        return { userId: id, online: state.online, lastSeenAt: seen === null ? null : new Date(seen).toISOString() };
      });
  }

  private async wentOffline(userId: string): Promise<void> {
    const at = new Date();
    await this.accounts.setLastSeen(userId, at);
    await this.announce({ userId, online: false, lastSeenAt: at.toISOString() });
  }

  /** Tells everyone who shares a chat with the user; until the groups service answers, nobody does. */
  private async announce(status: PresenceStatus): Promise<void> {
    const reply = await requestService(this.nats, CONTACTS_SUBJECT, { userId: status.userId }, { timeoutMs: 2_000 });
    if (!reply.ok) {
      if (reply.error.code !== 'SERVICE_UNAVAILABLE') this.logger.warn({ code: reply.error.code }, 'presence contacts lookup failed');
      return;
    }
    const frame = JSON.stringify({ type: 'presence', data: status } satisfies ServerFrame<'presence'>);
    publishPush(this.nats, (reply.response as { userIds?: string[] }).userIds ?? [], frame);
  }
}
