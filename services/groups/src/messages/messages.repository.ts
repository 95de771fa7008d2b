import { context, type Context } from '@opentelemetry/api';
import { Types, type Connection, type Model } from 'mongoose';
import { messageModel, readMarkModel, type MessageDoc, type ReadMarkDoc } from './message.model.js';

const DUPLICATE_KEY = 11000;
const MAX_BATCH = 256;
/**
 * Under steady load, an insert command leaves at most once per this many ms, carrying every message that arrived
 * meanwhile. FerretDB's CPU per message falls with the batch (0.70 ms alone, 0.45 in twos, 0.31 in fours, 0.23 in
 * eights, measured with the mongodb driver on this machine kind), and every command is also a write and a read on a
 * socket in this process. An insert after a quiet spell still goes at once: the wait only holds back a command
 * that follows another within the window, by no more than the window.
 */
const INSERT_WINDOW_MS = 4;

/**
 * Messages and read marks in the store. On the request path it is asked for one thing only, the insert of a
 * message; reads serve cold paths (a window Redis never had, older pages, loading counters back).
 */
export class MessagesRepository {
  private readonly messages: Model<MessageDoc>;
  private readonly marks: Model<ReadMarkDoc>;
  constructor(db: Connection) {
    this.messages = messageModel(db);
    this.marks = readMarkModel(db);
  }

  async init(): Promise<void> {
    await Promise.all([this.messages.createIndexes(), this.marks.createIndexes()]);
  }

  /**
   * Inserts with the id chosen by the caller; `false` when that id or the (chat, clientId) key is already stored
   * (a retried send whose first try got in), which is not an error. Inserts are group-committed: one goes out at
   * once, and those that arrive while it is in flight, or within INSERT_WINDOW_MS of its start, go together in the
   * next insertMany, so a busy replica sends the store fewer, larger commands.
   */
  insert(doc: MessageDoc): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ doc, resolve, reject, context: context.active() });
      if (!this.draining) void this.drain();
    });
  }

  private readonly queue: {
    doc: MessageDoc;
    resolve: (stored: boolean) => void;
    reject: (error: unknown) => void;
    /** The send's trace: a batch's command joins the trace of its first message, not that of whoever began draining. */
    context: Context;
  }[] = [];
  private draining = false;

  private lastInsertAt = -Infinity;

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.queue.length) {
      const wait = this.lastInsertAt + INSERT_WINDOW_MS - performance.now();
      if (wait > 0 && this.queue.length < MAX_BATCH) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastInsertAt = performance.now();
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await context.with(batch[0]!.context, () =>
          this.messages.collection.insertMany(
            batch.map((b) => ({ ...b.doc })),
            { ordered: false },
          ),
        );
        for (const item of batch) item.resolve(true);
      } catch (error) {
        // Per document: a duplicate is "already stored"; anything else fails that send alone.
        const failed = new Map<number, { code?: number }>();
        for (const writeError of (error as { writeErrors?: { index: number; code?: number }[] }).writeErrors ?? [])
          failed.set(writeError.index, writeError);
        if (!failed.size) for (const item of batch) item.reject(error);
        else
          batch.forEach((item, i) => {
            const problem = failed.get(i);
            if (!problem) item.resolve(true);
            else if (problem.code === DUPLICATE_KEY) item.resolve(false);
            else item.reject(error);
          });
      }
    }
    this.draining = false;
  }

  findByDedupeKey(chatId: Types.ObjectId, dedupeKey: string): Promise<MessageDoc | null> {
    return this.messages.findOne({ chatId, dedupeKey }).lean<MessageDoc>().exec();
  }

  findByHexIds(chatId: string, id: string): Promise<MessageDoc | null> {
    if (!Types.ObjectId.isValid(chatId)) return Promise.resolve(null);
    return this.findById(new Types.ObjectId(chatId), id);
  }

  /**
   * Brings changed messages up to date (edits, deletions, reactions): off the request path, since each update is a
   * scan of the collection on the local store. A deleted message loses its text, files and search words here.
   */
  async saveChanges(updates: { id: string; fields: Partial<MessageDoc> }[]): Promise<void> {
    if (!updates.length) return;
    await this.messages.collection.bulkWrite(
      updates.map(({ id, fields }) => ({
        updateOne: {
          filter: { _id: new Types.ObjectId(id) },
          update: {
            $set: fields.deletedAt
              ? { ...fields, text: '', attachments: [], reactions: [], mentions: [], words: [], replyTo: null }
              : fields,
          },
        },
      })),
      { ordered: false },
    );
  }

  /** Messages with every one of these search words, newest first, strictly before `before` (a seq). */
  search(chatId: Types.ObjectId, words: string[], before: number | undefined, limit: number): Promise<MessageDoc[]> {
    return this.messages
      .find({ chatId, words: { $all: words }, deletedAt: null, ...(before !== undefined ? { seq: { $lt: before } } : {}) })
      .sort({ seq: -1 })
      .limit(limit)
      .lean<MessageDoc[]>()
      .exec();
  }

  findById(chatId: Types.ObjectId, id: string): Promise<MessageDoc | null> {
    if (!Types.ObjectId.isValid(id)) return Promise.resolve(null);
    return this.messages
      .findOne({ _id: new Types.ObjectId(id), chatId })
      .lean<MessageDoc>()
      .exec();
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
    await this.marks.deleteMany({ chatId: chatId.toHexString() }).exec();
  }

  /** Appends read positions, many in one command. */
  async appendMarks(marks: ReadMarkDoc[]): Promise<void> {
    if (marks.length) await this.marks.collection.insertMany(marks, { ordered: false });
  }

  /** Where each member stands in one chat, from the newest record per member. */
  async latestMarks(chatId: Types.ObjectId): Promise<Map<string, number>> {
    const marks = await this.marks.find({ chatId: chatId.toHexString() }).lean<ReadMarkDoc[]>().exec();
    const latest = new Map<string, number>();
    for (const mark of marks) latest.set(mark.userId, Math.max(latest.get(mark.userId) ?? 0, mark.seq));
    return latest;
  }
}
