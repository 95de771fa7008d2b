import { type BinaryReply, type User } from '@messenger/contracts';
import { notFound, toAvatarWebp } from '@messenger/kit';
import type { AccountsRepository } from '../accounts/accounts.repository.js';
import type { UserCache } from '../accounts/user-cache.js';
import { mapUser } from '../accounts/user.mapper.js';
import type { AvatarStore } from '@messenger/kit';
import type { UserEvents } from '../accounts/user-events.js';
import type { ProfileBroadcast } from '../profiles/profile-broadcast.js';

export class AvatarsService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly users: UserCache,
    private readonly avatars: AvatarStore,
    private readonly broadcast: ProfileBroadcast,
    private readonly events: UserEvents,
  ) {}

  /**
   * The image is processed before anything is written, and the account is pointed at the new
   * version only once it is stored: a bad upload, or a crash half-way, leaves the old avatar shown.
   */
  async upload(userId: string, imageBase64: string): Promise<User> {
    const webp = await toAvatarWebp(Buffer.from(imageBase64, 'base64'));
    const account = await this.accounts.findById(userId);
    if (!account) throw notFound('user');
    const version = Math.max(Date.now(), (account.avatarVersion ?? 0) + 1);
    await this.avatars.save(userId, version, webp);
    const updated = await this.accounts.setAvatarVersion(userId, version);
    if (!updated) throw notFound('user');
    await this.users.put(updated);
    await this.avatars.prune(userId, version);
    const user = mapUser(updated);
    this.broadcast.changed(user);
    await this.events.updated(user, `avatar-${version}`);
    return user;
  }

  /** The requested version is cacheable for good; any other request gets the current one, revalidated. */
  async get(userId: string, requestedVersion: number | undefined): Promise<BinaryReply> {
    const cached = await this.users.get(userId);
    if (!cached || cached.avatarVersion === null) throw notFound('avatar');
    const avatar = await this.avatars.find(userId, cached.avatarVersion);
    if (!avatar) throw notFound('avatar');
    return {
      contentType: 'image/webp',
      dataBase64: avatar.data.toString('base64'),
      cache: requestedVersion === cached.avatarVersion ? 'immutable' : 'revalidate',
    };
  }
}
