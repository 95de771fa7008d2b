import { Types, type Connection, type Model } from 'mongoose';
import { chatModel, type ChatDoc, type LastMessageDoc } from './chat.model.js';

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
    doc: Omit<
      ChatDoc,
      '_id' | 'createdAt' | 'updatedAt' | 'version' | 'lastSeq' | 'lastMessage' | 'liveCallId' | 'avatarVersion' | 'lastActivityAt'
    > & { _id?: Types.ObjectId },
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

  /** The user's chats, most recently active first. */
  listFor(userId: string, options: { before?: Date; limit: number }): Promise<ChatDoc[]> {
    return this.chats
      .find({ 'participants.user': userId, ...(options.before ? { lastActivityAt: { $lt: options.before } } : {}) })
      .sort({ lastActivityAt: -1, _id: -1 })
      .limit(options.limit)
      .lean<ChatDoc[]>()
      .exec();
  }

  /** Everyone who shares at least one chat with the user. */
  async contactsOf(userId: string): Promise<string[]> {
    const chats = await this.chats
      .find({ 'participants.user': userId }, { 'participants.user': 1 })
      .lean<Pick<ChatDoc, 'participants'>[]>()
      .exec();
    const ids = new Set<string>();
    for (const chat of chats) for (const p of chat.participants) if (p.user !== userId) ids.add(p.user);
    return [...ids];
  }

  /**
   * Writes `changes` only if nobody changed the chat since `version` was read; the caller re-reads
   * and tries again when this returns null.
   */
  replaceIfUnchanged(
    chat: ChatDoc,
    changes: Partial<Pick<ChatDoc, 'participants' | 'memberCount' | 'name' | 'description' | 'callSettings'>>,
  ): Promise<ChatDoc | null> {
    return this.chats
      .findOneAndUpdate({ _id: chat._id, version: chat.version }, { $set: changes, $inc: { version: 1 } }, { new: true })
      .lean<ChatDoc>()
      .exec();
  }

  /** Takes the next message number of the chat, atomically. */
  async nextSeq(chatId: Types.ObjectId): Promise<number> {
    // No projection here: FerretDB 1.24 does not implement findAndModify with `fields`.
    const chat = await this.chats
      .findOneAndUpdate({ _id: chatId }, { $inc: { lastSeq: 1 } }, { new: true })
      .lean<Pick<ChatDoc, 'lastSeq'>>()
      .exec();
    if (!chat) throw new Error('chat vanished while sending');
    return chat.lastSeq;
  }

  /**
   * Moves a member's entry in the chat's furthest reads. Read-modify-write without a guard: two
   * racing readers can hide one update until that member reads again, which only delays a tick.
   */
  async recordRead(chatId: Types.ObjectId, userId: string, seq: number): Promise<void> {
    const chat = await this.chats.findById(chatId, { topReads: 1 }).lean<Pick<ChatDoc, 'topReads'>>().exec();
    const current = chat?.topReads ?? [];
    if (current.some((r) => r.user === userId && r.seq >= seq)) return;
    const next = [...current.filter((r) => r.user !== userId), { user: userId, seq }].sort((a, b) => b.seq - a.seq).slice(0, 2);
    if (current.length === next.length && current.every((r, i) => r.user === next[i]!.user && r.seq === next[i]!.seq)) return;
    await this.chats.updateOne({ _id: chatId }, { $set: { topReads: next } }).exec();
  }

  /** Keeps the chat's counter at least at `seq` (unread counts come from it). */
  async raiseSeq(chatId: Types.ObjectId, seq: number): Promise<void> {
    await this.chats.updateOne({ _id: chatId }, { $max: { lastSeq: seq } }).exec();
  }

  async recordLastMessage(chatId: Types.ObjectId, message: LastMessageDoc & { seq: number }): Promise<void> {
    // Only move forward: two sends racing must leave the later message as the preview.
    await this.chats
      .updateOne(
        { _id: chatId, $or: [{ 'lastMessage.seq': { $lt: message.seq } }, { lastMessage: null }] },
        { $set: { lastMessage: message, lastActivityAt: message.createdAt } },
      )
      .exec();
  }

  /** Marks the chat's live call; clearing only clears that call, so a late "ended" cannot hide a newer one. */
  setLiveCall(chatId: string, callId: string | null, previous?: string): Promise<ChatDoc | null> {
    if (!Types.ObjectId.isValid(chatId)) return Promise.resolve(null);
    const filter = previous === undefined ? { _id: chatId } : { _id: chatId, liveCallId: previous };
    return this.chats
      .findOneAndUpdate(filter, { $set: { liveCallId: callId } }, { new: true })
      .lean<ChatDoc>()
      .exec();
  }

  setAvatarVersion(chatId: Types.ObjectId, version: number): Promise<ChatDoc | null> {
    return this.chats
      .findOneAndUpdate({ _id: chatId }, { $set: { avatarVersion: version } }, { new: true })
      .lean<ChatDoc>()
      .exec();
  }

  async delete(chatId: Types.ObjectId): Promise<boolean> {
    return (await this.chats.deleteOne({ _id: chatId }).exec()).deletedCount === 1;
  }
}
