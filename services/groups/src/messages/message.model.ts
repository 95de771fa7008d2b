import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { Reaction } from '@messenger/contracts';
import type { StoredAttachment } from '../attachments/attachment.model.js';

export type { StoredAttachment };

export interface MessageDoc {
  _id: Types.ObjectId;
  chatId: Types.ObjectId;
  /** Position in the chat, from the chat's own counter: history pages by it without gaps or repeats. */
  seq: number;
  senderId: string | null;
  kind: 'text' | 'system';
  text: string;
  system: { kind: string; actorId: string | null; targetIds: string[]; details?: Record<string, unknown> } | null;
  clientId: string | null;
  /** Unique per chat: `c:<sender>:<clientId>` makes a retried send idempotent; `s:<seq>` otherwise. */
  dedupeKey: string;
  createdAt: Date;
  editedAt?: Date | null;
  /** Set when deleted; the text, files, reactions and search words are gone by then. */
  deletedAt?: Date | null;
  replyTo?: StoredReply | null;
  reactions?: Reaction[];
  attachments?: StoredAttachment[];
  mentions?: string[];
  /** Search words (with their starts): see search-words.ts. Multikey-indexed with chatId on MongoDB. */
  words?: string[];
}

/** What a reply quotes, as it was when the reply was sent; whether the original is deleted is looked up when served. */
export interface StoredReply {
  id: string;
  seq: number;
  senderId: string | null;
  text: string;
}

const schema = new Schema<MessageDoc>(
  {
    chatId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    senderId: { type: String, default: null },
    kind: { type: String, enum: ['text', 'system'], required: true },
    text: { type: String, default: '' },
    system: { type: Schema.Types.Mixed, default: null },
    clientId: { type: String, default: null },
    dedupeKey: { type: String, required: true },
    editedAt: { type: Date, default: null },
    deletedAt: { type: Date, default: null },
    replyTo: { type: Schema.Types.Mixed, default: null },
    reactions: { type: [Schema.Types.Mixed], default: [] },
    attachments: { type: [Schema.Types.Mixed], default: [] },
    mentions: { type: [String], default: [] },
    words: { type: [String], default: [] },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'messages' },
);
schema.index({ chatId: 1, seq: -1 }, { unique: true });
schema.index({ chatId: 1, dedupeKey: 1 }, { unique: true });
// Search: MongoDB bounds the scan by the first word of the query and filters the rest.
schema.index({ chatId: 1, words: 1, seq: -1 });

export const messageModel = (db: Connection): Model<MessageDoc> => db.model<MessageDoc>('Message', schema);

/**
 * How far a member has read a chat, appended (never updated: an insert is the one cheap write on every store):
 * the newest record of a (chat, user) pair is where they stand. Redis holds the live positions; these records
 * are written off the request path, coalesced, and read back only when Redis lost them.
 */
export interface ReadMarkDoc {
  chatId: string;
  userId: string;
  seq: number;
  at: Date;
}
const markSchema = new Schema<ReadMarkDoc>(
  {
    chatId: { type: String, required: true },
    userId: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'read_marks', versionKey: false },
);
markSchema.index({ chatId: 1, userId: 1, seq: -1 });
export const readMarkModel = (db: Connection): Model<ReadMarkDoc> => db.model<ReadMarkDoc>('ReadMark', markSchema);
