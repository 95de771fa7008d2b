import type { User, UserSummary } from '@messenger/contracts';
import type { AccountDoc } from './account.model.js';

export const avatarUrl = (account: Pick<AccountDoc, '_id' | 'avatarVersion'>): string | null =>
  account.avatarVersion === null ? null : `/api/users/${account._id.toHexString()}/avatar?v=${account.avatarVersion}`;

/** The public shape of an account: never the password hash, `_id` or `__v`. */
export const mapUser = (account: AccountDoc): User => ({
  id: account._id.toHexString(),
  username: account.username,
  name: account.name,
  bio: account.bio,
  avatarUrl: avatarUrl(account),
  createdAt: account.createdAt.toISOString(),
});

export const mapUserSummary = (account: AccountDoc): UserSummary => summaryOf(mapUser(account));

export const summaryOf = (user: User): UserSummary => ({
  id: user.id,
  username: user.username,
  name: user.name,
  avatarUrl: user.avatarUrl,
});
