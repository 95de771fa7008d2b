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

  update(id: string, changes: { name?: string; bio?: string }): Promise<AccountDoc | null> {
    const set: Record<string, unknown> = { ...changes };
    if (changes.name !== undefined) set.nameWords = nameWords(changes.name);
    return this.accounts.findByIdAndUpdate(id, { $set: set }, { new: true }).lean<AccountDoc>().exec();
  }
}
