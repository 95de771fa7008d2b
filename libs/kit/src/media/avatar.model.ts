import { Schema, type Connection, type Model } from 'mongoose';

/** One stored version of an avatar (a user's or a chat's); `_id` is `<ownerId>:<version>`, so old URLs stay valid until pruned. */
export interface AvatarDoc {
  _id: string;
  ownerId: string;
  version: number;
  data: Buffer;
  createdAt: Date;
}

const schema = new Schema<AvatarDoc>(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, required: true, index: true },
    version: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

export const avatarModel = (db: Connection, collection: string): Model<AvatarDoc> =>
  db.model<AvatarDoc>(`Avatar_${collection}`, schema.clone().set('collection', collection));
