import type { Connection, Model } from 'mongoose';
import { avatarModel, type AvatarDoc } from './avatar.model.js';

/** Versions of avatars kept in the owning service's own database, so any replica can serve them. */
export class AvatarStore {
  private readonly avatars: Model<AvatarDoc>;
  constructor(db: Connection, collection: string) {
    this.avatars = avatarModel(db, collection);
  }

  async init(): Promise<void> {
    await this.avatars.createIndexes();
  }

  async save(ownerId: string, version: number, data: Buffer): Promise<void> {
    await this.avatars.create({ _id: `${ownerId}:${version}`, ownerId, version, data });
  }

  find(ownerId: string, version: number): Promise<AvatarDoc | null> {
    return this.avatars.findById(`${ownerId}:${version}`).lean<AvatarDoc>().exec();
  }

  /** Drops every version but `keep`, once the account points at `keep`. */
  async prune(ownerId: string, keep: number): Promise<void> {
    await this.avatars.deleteMany({ ownerId, version: { $ne: keep } }).exec();
  }
}
