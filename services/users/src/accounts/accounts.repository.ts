import { Types, type Connection, type Model } from 'mongoose';
import { accountModel, nameWords, type AccountDoc } from './account.model.js';

const DUPLICATE_KEY = 11000;

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

  async setLastSeen(id: string, at: Date): Promise<void> {
    if (Types.ObjectId.isValid(id)) await this.accounts.updateOne({ _id: id }, { $set: { lastSeenAt: at } }).exec();
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
