import { Schema, type Connection, type Model } from 'mongoose';
import { sessionModel, type SessionDoc } from './session.model.js';

const DUPLICATE_KEY = 11000;

export class SessionsRepository {
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

  async init(): Promise<void> {
    await this.sessions.createIndexes();
  }

  async create(input: { familyId: string; userId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await this.sessions.create(input);
  }

  findByTokenHash(tokenHash: string): Promise<SessionDoc | null> {
    return this.sessions.findOne({ tokenHash }).lean<SessionDoc>().exec();
  }

  /**
   * Marks a token used if, and only if, nobody used it first. The claim is a unique insert, which
   * both MongoDB and FerretDB enforce atomically (FerretDB's filtered updates are not atomic under
   * concurrency), so two presentations racing cannot both win.
   */
  async markUsed(id: SessionDoc['_id']): Promise<boolean> {
    try {
      await this.claims.create({ _id: id.toHexString() });
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
    await this.sessions.updateOne({ _id: id }, { $set: { usedAt: new Date() } }).exec();
    return true;
  }

  /** Whether any token of this sign-in was reused: then every token of it, even one issued later, is dead. */
  async isFamilyRevoked(familyId: string): Promise<boolean> {
    return (await this.revoked.exists({ _id: familyId }).exec()) !== null;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.revoked.create({ _id: familyId }).catch((error: { code?: number }) => {
      if (error.code !== DUPLICATE_KEY) throw error;
    });
    await this.sessions.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: new Date() } }).exec();
  }
}
