import { Schema, type Connection, type Model } from 'mongoose';

/** One stored version of a user's avatar; `_id` is `<userId>:<version>` so old URLs stay valid until pruned. */
export interface AvatarDoc {
  _id: string;
  userId: string;
  version: number;
  data: Buffer;
  createdAt: Date;
}

const schema = new Schema<AvatarDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    version: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'avatars' },
);

export const avatarModel = (db: Connection): Model<AvatarDoc> => db.model<AvatarDoc>('Avatar', schema);
