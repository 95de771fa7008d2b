import type { Redis } from 'ioredis';
import type { Logger } from '@messenger/kit';
import { CHANGED_CHATS } from '../chats/chat-keys.js';
import type { LiveMessages } from './live-messages.js';
import { changedFields, parseStored } from './message-view.js';
import type { MessagesRepository } from './messages.repository.js';
import { searchWords } from './search-words.js';

/**
 * Gives the store the edits, deletions and reactions Redis holds, off the request path: every replica drains the
 * set of chats with changes once a second, one bulk write per chat; a change is forgotten in Redis only once the
 * store has it, and only if it did not change again meanwhile. A replica that dies mid-way leaves its chats to the
 * next drain (the chat is put back in the set whenever anything is left).
 */
export class MessageChangeWriter {
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly live: LiveMessages,
    private readonly store: MessagesRepository,
    private readonly logger: Logger,
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.drain(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.draining;
    await this.drain();
  }

  drain(): Promise<void> {
    this.draining ??= this.drainAll().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drainAll(): Promise<void> {
    for (;;) {
      const chatId = await this.redis.spop(CHANGED_CHATS);
      if (!chatId) return;
      try {
        await this.drainChat(chatId);
      } catch (error) {
        this.logger.warn({ err: error, chatId }, 'message changes not stored; kept for the next drain');
        await this.redis.sadd(CHANGED_CHATS, chatId);
        return;
      }
    }
  }

  private async drainChat(chatId: string): Promise<void> {
    const pending = Object.entries(await this.live.pending(chatId));
    if (!pending.length) return;
    await this.store.saveChanges(
      pending.map(([id, json]) => {
        const message = parseStored(json);
        return { id, fields: { ...changedFields(message), words: message.deletedAt ? [] : searchWords(message.text) } };
      }),
    );
    for (const [id, json] of pending) await this.live.written(chatId, id, json);
  }
}
