import { Schema, type Connection, type Model } from 'mongoose';
import type { CallLogEntry } from '@messenger/contracts';

interface CallLogDoc {
  _id: string;
  chatId: string;
  type: CallLogEntry['type'];
  initiatorId: string;
  participants: { userId: string; joinedAt: Date; leftAt: Date | null }[];
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  durationSeconds: number;
  endReason: CallLogEntry['endReason'];
}

const schema = new Schema<CallLogDoc>(
  {
    _id: { type: String, required: true },
    chatId: { type: String, required: true },
    type: { type: String, required: true },
    initiatorId: { type: String, required: true },
    participants: [{ _id: false, userId: String, joinedAt: Date, leftAt: { type: Date, default: null } }],
    startedAt: { type: Date, required: true },
    answeredAt: { type: Date, default: null },
    endedAt: { type: Date, required: true },
    durationSeconds: { type: Number, required: true },
    endReason: { type: String, required: true },
  },
  { collection: 'call_log', versionKey: false },
);
schema.index({ chatId: 1, startedAt: -1 });

const toEntry = (doc: CallLogDoc): CallLogEntry => ({
  id: doc._id,
  chatId: doc.chatId,
  type: doc.type,
  initiatorId: doc.initiatorId,
  participants: doc.participants.map((p) => ({
    userId: p.userId,
    joinedAt: p.joinedAt.toISOString(),
    leftAt: p.leftAt?.toISOString() ?? null,
  })),
  startedAt: doc.startedAt.toISOString(),
  answeredAt: doc.answeredAt?.toISOString() ?? null,
  endedAt: doc.endedAt.toISOString(),
  durationSeconds: doc.durationSeconds,
  endReason: doc.endReason,
});

/** Every call, whatever its end, kept in MongoDB; written once when it ends (idempotent by call id). */
export class CallLogRepository {
  private readonly log: Model<CallLogDoc>;
  constructor(db: Connection) {
    this.log = db.model<CallLogDoc>('CallLog', schema);
  }

  async init(): Promise<void> {
    await this.log.createIndexes();
  }

  async record(entry: CallLogEntry): Promise<void> {
    const doc: CallLogDoc = {
      _id: entry.id,
      chatId: entry.chatId,
      type: entry.type,
      initiatorId: entry.initiatorId,
      participants: entry.participants.map((p) => ({
        userId: p.userId,
        joinedAt: new Date(p.joinedAt),
        leftAt: p.leftAt ? new Date(p.leftAt) : null,
      })),
      startedAt: new Date(entry.startedAt),
      answeredAt: entry.answeredAt ? new Date(entry.answeredAt) : null,
      endedAt: new Date(entry.endedAt),
      durationSeconds: entry.durationSeconds,
      endReason: entry.endReason,
    };
    try {
      await this.log.replaceOne({ _id: entry.id }, doc, { upsert: true }).exec();
    } catch (error) {
      // Two replicas ending the same call at once both upsert; the loser's insert hits the _id index
      // (seen on FerretDB; MongoDB can do the same). The document exists now: replace it like the winner did.
      if ((error as { code?: number }).code !== 11000) throw error;
      await this.log.replaceOne({ _id: entry.id }, doc).exec();
    }
  }

  async forChat(chatId: string, limit: number): Promise<CallLogEntry[]> {
    return (await this.log.find({ chatId }).sort({ startedAt: -1 }).limit(limit).lean<CallLogDoc[]>().exec()).map(toEntry);
  }
}
