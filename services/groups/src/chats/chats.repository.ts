import { Types, type Connection, type Model } from 'mongoose';
import { chatModel, type ChatDoc } from './chat.model.js';

/** What a change of a chat may set. */
export type ChatChanges = Partial<
  Pick<ChatDoc, 'participants' | 'memberCount' | 'name' | 'description' | 'callSettings' | 'liveCallId' | 'avatarVersion'>
>;

const DUPLICATE_KEY = 11000;

export class ChatsRepository {
  private readonly chats: Model<ChatDoc>;
  constructor(db: Connection) {
    this.chats = chatModel(db);
  }

  async init(): Promise<void> {
    await this.chats.createIndexes();
  }

  /** Inserts, or returns undefined when the pair key exists (a personal chat created concurrently). */
  async create(
    doc: Omit<ChatDoc, '_id' | 'createdAt' | 'updatedAt' | 'version' | 'liveCallId' | 'avatarVersion'> & { _id?: Types.ObjectId },
  ): Promise<ChatDoc | undefined> {
    try {
      return (await this.chats.create(doc)).toObject();
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return undefined;
      throw error;
    }
  }

  findById(id: string): Promise<ChatDoc | null> {
    if (!Types.ObjectId.isValid(id)) return Promise.resolve(null);
    return this.chats.findById(id).lean<ChatDoc>().exec();
  }

  findByPairKey(pairKey: string): Promise<ChatDoc | null> {
    return this.chats.findOne({ pairKey }).lean<ChatDoc>().exec();
  }

  /** Many chats in one query (a cache filling its misses). */
  findManyByIds(ids: string[]): Promise<ChatDoc[]> {
    const valid = ids.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
    if (!valid.length) return Promise.resolve([]);
    return this.chats
      .find({ _id: { $in: valid } })
      .lean<ChatDoc[]>()
      .exec();
  }

  /** The `limit` most recently changed chats, oldest of them first (warming a replica's cache). */
  async recentlyChanged(limit: number): Promise<ChatDoc[]> {
    const newestFirst = await this.chats.find().sort({ updatedAt: -1 }).limit(limit).lean<ChatDoc[]>().exec();
    return newestFirst.reverse();
  }

  /** Every chat's members, streamed: building the membership index (a cold path). */
  everyMembership(): AsyncIterable<Pick<ChatDoc, '_id' | 'participants'>> {
    return this.chats.find({}, { participants: 1 }).lean<Pick<ChatDoc, '_id' | 'participants'>[]>().cursor();
  }

  /**
   * Writes `changes` only if nobody changed the chat since `version` was read; the caller re-reads
   * and tries again when this returns null.
   */
  replaceIfUnchanged(chat: ChatDoc, changes: ChatChanges): Promise<ChatDoc | null> {
    return this.chats
      .findOneAndUpdate({ _id: chat._id, version: chat.version }, { $set: changes, $inc: { version: 1 } }, { new: true })
      .lean<ChatDoc>()
      .exec();
  }

  async delete(chatId: Types.ObjectId): Promise<boolean> {
    return (await this.chats.deleteOne({ _id: chatId }).exec()).deletedCount === 1;
  }
}
