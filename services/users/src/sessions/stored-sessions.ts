import { Schema, type Connection, type Model } from 'mongoose';
import { sessionModel, type SessionDoc } from './session.model.js';

/** A refresh token issued before sessions lived in Redis, as the store last recorded it. */
export interface StoredSession {
  familyId: string;
  userId: string;
  expiresAt: Date;
  used: boolean;
  revoked: boolean;
}

/**
 * The sessions the store still holds from before sessions moved to Redis. Read only, and only when
 * such a token is presented for the first time (a cold path); nothing is written here any more.
 */
export class StoredSessions {
  private readonly sessions: Model<SessionDoc>;
  private readonly claims: Model<{ _id: string }>;
  private readonly revoked: Model<{ _id: string }>;
  constructor(db: Connection) {
    this.sessions = sessionModel(db);
    this.revoked = db.model<{ _id: string }>(
      'RevokedFamily',
      new Schema<{ _id: string }>({ _id: String }, { collection: 'revoked_families', versionKey: false }),
    );
    this.claims = db.model<{ _id: string }>(
      'UsedRefreshToken',
      new Schema<{ _id: string }>({ _id: String }, { collection: 'used_refresh_tokens', versionKey: false }),
    );
  }

  async find(tokenHash: string): Promise<StoredSession | null> {
    const session = await this.sessions.findOne({ tokenHash }).lean<SessionDoc>().exec();
    if (!session) return null;
    // A token was used once its claim was inserted, even if the process died before marking it.
    const [claimed, familyRevoked] = await Promise.all([
      this.claims.exists({ _id: session._id.toHexString() }).exec(),
      this.revoked.exists({ _id: session.familyId }).exec(),
    ]);
    return {
      familyId: session.familyId,
      userId: session.userId,
      expiresAt: session.expiresAt,
      used: session.usedAt !== null || claimed !== null,
      revoked: session.revokedAt !== null || familyRevoked !== null,
    };
  }
}
