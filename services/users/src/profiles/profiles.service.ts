import { type User, type UserSummary } from '@messenger/contracts';
import { notFound } from '@messenger/kit';
import type { AccountsRepository } from '../accounts/accounts.repository.js';
import type { UserCache } from '../accounts/user-cache.js';
import { mapUser, summaryOf } from '../accounts/user.mapper.js';
import type { UserEvents } from '../accounts/user-events.js';
import type { ProfileBroadcast } from './profile-broadcast.js';

export class ProfilesService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly users: UserCache,
    private readonly broadcast: ProfileBroadcast,
    private readonly events: UserEvents,
  ) {}

  async get(userId: string): Promise<User> {
    const cached = await this.users.get(userId);
    if (!cached) throw notFound('user');
    return cached.user;
  }

  /** Saves the edit and tells every open device of the user and of their contacts, on whichever gateway. */
  async update(userId: string, changes: { name?: string; bio?: string }): Promise<User> {
    const account = await this.accounts.update(userId, changes);
    if (!account) throw notFound('user');
    await this.users.put(account);
    const user = mapUser(account);
    this.broadcast.changed(user);
    await this.events.updated(user, account.updatedAt.toISOString());
    return user;
  }

  /** Asked by the groups service for every chat list and chat view. */
  async summaries(ids: string[]): Promise<{ items: UserSummary[] }> {
    const found = await this.users.getMany(ids);
    return { items: [...found.values()].map((cached) => summaryOf(cached.user)) };
  }
}
