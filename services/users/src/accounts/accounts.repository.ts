import { Types, type Connection, type Model } from 'mongoose';
import { accountModel, nameWords, type AccountDoc } from './account.model.js';

const DUPLICATE_KEY = 11000;
// On FerretDB an update costs one scan of the collection whatever its id list (an $in of 50 ids and an _id
// range cost the same), so many ids go in one; the cap keeps a command's size modest.
const LAST_SEEN_IDS_PER_UPDATE = 500;

export class AccountsRepository {
  private readonly accounts: Model<AccountDoc>;
  constructor(db: Connection) {
    this.accounts = accountModel(db);
  }

  async init(): Promise<void> {
    await this.accounts.createIndexes();
  }

  /** Returns undefined when the username is taken (the unique index decides, also under races). */
  async create(input: { username: string; name: string; passwordHash: string }): Promise<AccountDoc | undefined> {
    try {
      const created = await this.accounts.create({ ...input, nameWords: nameWords(input.name) });
      return created.toObject();
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return undefined;
      throw error;
    }
  }

  findByUsername(username: string): Promise<AccountDoc | null> {
    return this.accounts.findOne({ username }).lean<AccountDoc>().exec();
  }

  findById(id: string): Promise<AccountDoc | null> {
    if (!Types.ObjectId.isValid(id)) return Promise.resolve(null);
    return this.accounts.findById(id).lean<AccountDoc>().exec();
  }

  /**
   * Saves last-seen times off the request path, many users per command: on FerretDB every update scans
   * the collection. Times are grouped by the second (this copy only backs Redis's, which keeps the
   * milliseconds) and ids by the hundreds. An older time never replaces a newer one, whichever replica
   * saves first; and a last-seen time is no profile edit, so `updatedAt` stays.
   */
  async saveLastSeen(times: { userId: string; at: number }[]): Promise<void> {
    const bySecond = new Map<number, Types.ObjectId[]>();
    for (const { userId, at } of times) {
      if (!Types.ObjectId.isValid(userId)) continue;
      const second = Math.floor(at / 1000) * 1000;
      const ids = bySecond.get(second) ?? [];
      ids.push(new Types.ObjectId(userId));
      bySecond.set(second, ids);
    }
    for (const [second, ids] of bySecond) {
      const at = new Date(second);
      for (let i = 0; i < ids.length; i += LAST_SEEN_IDS_PER_UPDATE) {
        await this.accounts
          .updateMany(
            { _id: { $in: ids.slice(i, i + LAST_SEEN_IDS_PER_UPDATE) }, $or: [{ lastSeenAt: null }, { lastSeenAt: { $lt: at } }] },
            { $set: { lastSeenAt: at } },
            { timestamps: false },
          )
          .exec();
      }
    }
  }

  setAvatarVersion(id: string, version: number): Promise<AccountDoc | null> {
    return this.accounts
      .findByIdAndUpdate(id, { $set: { avatarVersion: version } }, { new: true })
      .lean<AccountDoc>()
      .exec();
  }

  findManyByIds(ids: string[]): Promise<AccountDoc[]> {
    const valid = ids.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
    return this.accounts
      .find({ _id: { $in: valid } })
      .lean<AccountDoc[]>()
      .exec();
  }

  /** Accounts whose username starts with `prefix` (already escaped), after `afterUsername`, in username order. */
  findByUsernamePrefix(prefix: string, options: { after?: string; limit: number; excludeId?: string }): Promise<AccountDoc[]> {
    return this.accounts
      .find({
        username: { $regex: `^${prefix}`, ...(options.after !== undefined ? { $gt: options.after } : {}) },
        ...excludeId(options.excludeId),
      })
      .sort({ username: 1 })
      .limit(options.limit)
      .lean<AccountDoc[]>()
      .exec();
  }

  /** Accounts one of whose name words starts with `prefix` (already escaped), in username order. */
  findByNameWordPrefix(prefix: string, options: { after?: string; limit: number; excludeId?: string }): Promise<AccountDoc[]> {
    return this.accounts
      .find({
        nameWords: { $regex: `^${prefix}` },
        ...(options.after !== undefined ? { username: { $gt: options.after } } : {}),
        ...excludeId(options.excludeId),
      })
      .sort({ username: 1 })
      .limit(options.limit)
      .lean<AccountDoc[]>()
      .exec();
  }

  update(id: string, changes: { name?: string; bio?: string }): Promise<AccountDoc | null> {
    const set: Record<string, unknown> = { ...changes };
    if (changes.name !== undefined) set.nameWords = nameWords(changes.name);
    return this.accounts.findByIdAndUpdate(id, { $set: set }, { new: true }).lean<AccountDoc>().exec();
  }
}

const excludeId = (id: string | undefined) => (id && Types.ObjectId.isValid(id) ? { _id: { $ne: new Types.ObjectId(id) } } : {});
