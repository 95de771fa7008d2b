import type { Connection, Model } from 'mongoose';
import { avatarModel, type AvatarDoc } from './avatar.model.js';

export class AvatarsRepository {
  private readonly avatars: Model<AvatarDoc>;
  constructor(db: Connection) {
    this.avatars = avatarModel(db);
  }

  async init(): Promise<void> {
    await this.avatars.createIndexes();
  }

  async save(userId: string, version: number, data: Buffer): Promise<void> {
    await this.avatars.create({ _id: `${userId}:${version}`, userId, version, data });
  }

  find(userId: string, version: number): Promise<AvatarDoc | null> {
    return this.avatars.findById(`${userId}:${version}`).lean<AvatarDoc>().exec();
  }

  /** Drops every version but `keep`, once the account points at `keep`. */
  async prune(userId: string, keep: number): Promise<void> {
    await this.avatars.deleteMany({ userId, version: { $ne: keep } }).exec();
  }
}
