import type { Connection, Model } from 'mongoose';
import { sessionModel, type SessionDoc } from './session.model.js';

export class SessionsRepository {
  private readonly sessions: Model<SessionDoc>;
  constructor(db: Connection) {
    this.sessions = sessionModel(db);
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

  /** Marks a token used if, and only if, nobody used it first: a single-document atomic update. */
  async markUsed(id: SessionDoc['_id']): Promise<boolean> {
    const result = await this.sessions.updateOne({ _id: id, usedAt: null, revokedAt: null }, { $set: { usedAt: new Date() } }).exec();
    return result.modifiedCount === 1;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.sessions.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: new Date() } }).exec();
  }
}
