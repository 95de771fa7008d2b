import type { Logger } from '@messenger/kit';
import type { ReadMarkDoc } from './message.model.js';
import type { MessagesRepository } from './messages.repository.js';

/**
 * Makes read positions durable off the request path: each (chat, member) keeps only its furthest position
 * until the next flush, and a flush is one insert of them all. A failed flush keeps them for the next one.
 */
export class ReadMarkWriter {
  private pending = new Map<string, ReadMarkDoc>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly messages: MessagesRepository,
    private readonly logger: Logger,
    private readonly intervalMs = 1_000,
  ) {}

  record(chatId: string, userId: string, seq: number): void {
    const key = `${chatId}:${userId}`;
    const current = this.pending.get(key);
    if (!current || current.seq < seq) this.pending.set(key, { chatId, userId, seq, at: new Date() });
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }

  flush(): Promise<void> {
    if (this.flushing || !this.pending.size) return this.flushing ?? Promise.resolve();
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.messages
      .appendMarks([...batch.values()])
      .catch((error: unknown) => {
        this.logger.warn({ err: error, marks: batch.size }, 'read marks not stored; kept for the next flush');
        for (const [key, mark] of batch) if (!this.pending.has(key)) this.pending.set(key, mark);
      })
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }
}
