import type { NatsConnection } from '@nats-io/transport-node';
import { type ServerFrame, type User, type UserSummary } from '@messenger/contracts';
import { notFound, publishPush } from '@messenger/kit';
import type { AccountsRepository } from '../accounts/accounts.repository.js';
import { mapUser, mapUserSummary } from '../accounts/user.mapper.js';
import type { UserEvents } from '../accounts/user-events.js';

export class ProfilesService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly nats: NatsConnection,
    private readonly events: UserEvents,
  ) {}

  async get(userId: string): Promise<User> {
    const account = await this.accounts.findById(userId);
    if (!account) throw notFound('user');
    return mapUser(account);
  }

  /** Saves the edit and tells every open device of the user, on whichever gateway it is. */
  async update(userId: string, changes: { name?: string; bio?: string }): Promise<User> {
    const account = await this.accounts.update(userId, changes);
    if (!account) throw notFound('user');
    const user = mapUser(account);
    const frame: ServerFrame<'user.updated'> = { type: 'user.updated', data: user };
    publishPush(this.nats, [userId], JSON.stringify(frame));
    await this.events.updated(user, account.updatedAt.toISOString());
    return user;
  }

  async summaries(ids: string[]): Promise<{ items: UserSummary[] }> {
    const accounts = await this.accounts.findManyByIds([...new Set(ids)]);
    return { items: accounts.map(mapUserSummary) };
  }
}
