import { Types, type Connection, type Model } from 'mongoose';
import { messageModel, readMarkerModel, type MessageDoc, type ReadMarkerDoc } from './message.model.js';

const DUPLICATE_KEY = 11000;
const markerId = (chatId: string, userId: string) => `${chatId}:${userId}`;

export class MessagesRepository {
  private readonly messages: Model<MessageDoc>;
  private readonly markers: Model<ReadMarkerDoc>;
  constructor(db: Connection) {
    this.messages = messageModel(db);
    this.markers = readMarkerModel(db);
  }

  async init(): Promise<void> {
    await this.messages.createIndexes();
  }

  /** Returns undefined when the dedupe key exists already (a retried send that raced the first). */
  async insert(doc: Omit<MessageDoc, '_id' | 'createdAt'>): Promise<MessageDoc | undefined> {
    try {
      return (await this.messages.create(doc)).toObject();
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return undefined;
      throw error;
    }
  }

  findByDedupeKey(chatId: Types.ObjectId, dedupeKey: string): Promise<MessageDoc | null> {
    return this.messages.findOne({ chatId, dedupeKey }).lean<MessageDoc>().exec();
  }

  findById(chatId: Types.ObjectId, id: string): Promise<MessageDoc | null> {
    if (!Types.ObjectId.isValid(id)) return Promise.resolve(null);
    return this.messages
      .findOne({ _id: new Types.ObjectId(id), chatId })
      .lean<MessageDoc>()
      .exec();
  }

  async highestSeq(chatId: Types.ObjectId): Promise<number> {
    const last = await this.messages.findOne({ chatId }).sort({ seq: -1 }).lean<MessageDoc>().exec();
    return last?.seq ?? 0;
  }

  /** Newest first, strictly before `before` (a seq). */
  before(chatId: Types.ObjectId, before: number | undefined, limit: number): Promise<MessageDoc[]> {
    return this.messages
      .find({ chatId, ...(before !== undefined ? { seq: { $lt: before } } : {}) })
      .sort({ seq: -1 })
      .limit(limit)
      .lean<MessageDoc[]>()
      .exec();
  }

  /** Oldest first, strictly after `after` (a seq): what a reconnecting client missed. */
  after(chatId: Types.ObjectId, after: number, limit: number): Promise<MessageDoc[]> {
    return this.messages
      .find({ chatId, seq: { $gt: after } })
      .sort({ seq: 1 })
      .limit(limit)
      .lean<MessageDoc[]>()
      .exec();
  }

  async deleteChat(chatId: Types.ObjectId): Promise<void> {
    await this.messages.deleteMany({ chatId }).exec();
    await this.markers.deleteMany({ _id: { $regex: `^${chatId.toHexString()}:` } }).exec();
  }

  /** Moves the marker forward only; returns the marker after the update. */
  async markRead(chatId: string, userId: string, seq: number): Promise<number> {
    const id = markerId(chatId, userId);
    const existing = await this.markers.findById(id).lean<ReadMarkerDoc>().exec();
    if (!existing) {
      try {
        await this.markers.create({ _id: id, seq });
        return seq;
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      }
    }
    await this.markers.updateOne({ _id: id, seq: { $lt: seq } }, { $set: { seq } }).exec();
    return (await this.markers.findById(id).lean<ReadMarkerDoc>().exec())?.seq ?? seq;
  }

  async readSeqs(userId: string, chatIds: string[]): Promise<Map<string, number>> {
    const markers = await this.markers
      .find({ _id: { $in: chatIds.map((c) => markerId(c, userId)) } })
      .lean<ReadMarkerDoc[]>()
      .exec();
    return new Map(markers.map((m) => [m._id.split(':')[0]!, m.seq]));
  }

  /** How far each of these people has read one chat, in one query (people with no marker are absent). */
  async readSeqsOfMembers(chatId: string, userIds: string[]): Promise<Map<string, number>> {
    const markers = await this.markers
      .find({ _id: { $in: userIds.map((u) => markerId(chatId, u)) } })
      .lean<ReadMarkerDoc[]>()
      .exec();
    return new Map(markers.map((m) => [m._id.split(':')[1]!, m.seq]));
  }
}
