import { Schema, type Connection, type Model } from 'mongoose';

/**
 * When a user was last seen, appended (an insert is the one cheap write on every store; an update of accounts is a
 * scan of them all on the local store, and a reconnect storm made thousands). The newest record of a user is their
 * time; Redis keeps the live one, these back it.
 */
export interface LastSeenDoc {
  userId: string;
  at: Date;
}

const schema = new Schema<LastSeenDoc>(
  { userId: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'last_seen', versionKey: false },
);
schema.index({ userId: 1, at: -1 });

export const lastSeenModel = (db: Connection): Model<LastSeenDoc> => db.model<LastSeenDoc>('LastSeen', schema);
