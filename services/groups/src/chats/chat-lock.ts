import { Schema, type Connection, type Model } from 'mongoose';
import { ServiceError } from '@messenger/kit';

interface LockDoc {
  _id: string;
  until: Date;
}

const DUPLICATE_KEY = 11000;
const LEASE_MS = 10_000;
const WAIT_MS = 5_000;

/**
 * One writer at a time per chat for read-modify-write changes (members, roles, info). A conditional
 * update on a version field would do on MongoDB, but FerretDB 1.24 (tests, local runs) applies
 * filtered updates and even `$inc` non-atomically under concurrency (seen: 50 parallel `$inc` → +2).
 * A unique `_id` insert is enforced atomically by both, so the lock is that insert; a crashed
 * holder's lease expires.
 */
export class ChatLocks {
  private readonly locks: Model<LockDoc>;

  constructor(db: Connection) {
    this.locks = db.model<LockDoc>(
      'ChatLock',
      new Schema<LockDoc>({ _id: String, until: Date }, { collection: 'chat_locks', versionKey: false }),
    );
  }

  async withLock<T>(chatId: string, work: () => Promise<T>): Promise<T> {
    const id = `chat:${chatId}`;
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      try {
        await this.locks.create({ _id: id, until: new Date(Date.now() + LEASE_MS) });
        break;
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
        const held = await this.locks.findById(id).lean<LockDoc>().exec();
        if (held && held.until.getTime() < Date.now()) await this.locks.deleteOne({ _id: id, until: held.until }).exec();
        if (Date.now() > deadline) throw new ServiceError('CONFLICT', 'the chat is changing too fast; try again');
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
      }
    }
    try {
      return await work();
    } finally {
      await this.locks.deleteOne({ _id: id }).exec();
    }
  }
}
