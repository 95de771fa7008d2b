import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface AccountDoc {
  _id: Types.ObjectId;
  username: string;
  name: string;
  /** Lowercased name, split into words, for search without text indexes (FerretDB has none). */
  nameWords: string[];
  bio: string;
  passwordHash: string;
  avatarVersion: number | null;
  lastSeenAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<AccountDoc>(
  {
    username: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    nameWords: { type: [String], default: [], index: true },
    bio: { type: String, default: '' },
    passwordHash: { type: String, required: true },
    avatarVersion: { type: Number, default: null },
    lastSeenAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'accounts' },
);

export const accountModel = (db: Connection): Model<AccountDoc> => db.model<AccountDoc>('Account', schema);

export const nameWords = (name: string): string[] => [
  ...new Set(
    name
      .toLowerCase()
      .split(/[\s\-_.,]+/u)
      .filter(Boolean),
  ),
];
