import { Types, type Connection, type Model } from 'mongoose';
import { accountModel, nameWords, type AccountDoc } from './account.model.js';
import { lastSeenModel, type LastSeenDoc } from './last-seen.model.js';

const DUPLICATE_KEY = 11000;

export class AccountsRepository {
  private readonly accounts: Model<AccountDoc>;
  private readonly lastSeen: Model<LastSeenDoc>;
  constructor(db: Connection) {
    this.accounts = accountModel(db);
    this.lastSeen = lastSeenModel(db);
  }

  async init(): Promise<void> {
    await Promise.all([this.accounts.createIndexes(), this.lastSeen.createIndexes()]);
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

  /** Saves last-seen times off the request path: one insert of them all, never an update. */
  async saveLastSeen(times: { userId: string; at: number }[]): Promise<void> {
    const docs = times.filter((t) => Types.ObjectId.isValid(t.userId)).map((t) => ({ userId: t.userId, at: new Date(t.at) }));
    if (docs.length) await this.lastSeen.collection.insertMany(docs, { ordered: false });
  }

  setAvatarVersion(id: string, version: number): Promise<AccountDoc | null> {
    return this.accounts
      .findByIdAndUpdate(id, { $set: { avatarVersion: version } }, { new: true })
      .lean<AccountDoc>()
      .exec();
  }

  /** Accounts with their last-seen time from the newest saved record (a cold path: a cache miss). */
  async findManyByIds(ids: string[]): Promise<AccountDoc[]> {
    const valid = ids.filter((id) => Types.ObjectId.isValid(id));
    if (!valid.length) return [];
    const [accounts, seen] = await Promise.all([
      this.accounts
        .find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) } })
        .lean<AccountDoc[]>()
        .exec(),
      this.lastSeen
        .find({ userId: { $in: valid } })
        .lean<LastSeenDoc[]>()
        .exec(),
    ]);
    const newest = new Map<string, Date>();
    for (const record of seen) if ((newest.get(record.userId)?.getTime() ?? -1) < record.at.getTime()) newest.set(record.userId, record.at);
    return accounts.map((account) => {
      const saved = newest.get(account._id.toHexString());
      // Accounts from before last-seen was appended carry it themselves.
      return saved && (!account.lastSeenAt || account.lastSeenAt < saved) ? { ...account, lastSeenAt: saved } : account;
    });
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

  /** A stronger hash of the same password, at sign-in: once per account, never on a hot path. */
  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.accounts.updateOne({ _id: new Types.ObjectId(id) }, { $set: { passwordHash } }).exec();
  }

  update(id: string, changes: { name?: string; bio?: string }): Promise<AccountDoc | null> {
    const set: Record<string, unknown> = { ...changes };
    if (changes.name !== undefined) set.nameWords = nameWords(changes.name);
    return this.accounts.findByIdAndUpdate(id, { $set: set }, { new: true }).lean<AccountDoc>().exec();
  }
}

const excludeId = (id: string | undefined) => (id && Types.ObjectId.isValid(id) ? { _id: { $ne: new Types.ObjectId(id) } } : {});
