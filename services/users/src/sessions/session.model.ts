import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * One refresh token. Tokens of one sign-in form a family: each refresh marks the presented token
 * used and issues the next one in the family; presenting a used token again means it leaked, and
 * the whole family is revoked.
 */
export interface SessionDoc {
  _id: Types.ObjectId;
  familyId: string;
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

const schema = new Schema<SessionDoc>(
  {
    familyId: { type: String, required: true, index: true },
    userId: { type: String, required: true, index: true },
    tokenHash: { type: String, required: true, unique: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'sessions' },
);

export const sessionModel = (db: Connection): Model<SessionDoc> => db.model<SessionDoc>('Session', schema);
