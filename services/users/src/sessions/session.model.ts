import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * One refresh token, as the store recorded them before sessions moved to Redis (read, never written,
 * now). Tokens of one sign-in form a family: each refresh marked the presented token used and issued
 * the next one in the family; presenting a used token again meant it leaked, and the family was revoked.
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
