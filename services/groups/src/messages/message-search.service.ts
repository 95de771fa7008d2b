import type { Message } from '@messenger/contracts';
import { Types } from 'mongoose';
import type { ChatState } from '../chats/chat-state.js';
import type { LiveMessages } from './live-messages.js';
import { parseStored, storedMessage } from './message-view.js';
import type { MessagesRepository } from './messages.repository.js';
import { matchesQuery, queryWords } from './search-words.js';

/**
 * Search in one chat's messages, by words and their starts (search-words.ts): one store query on the words field,
 * which MongoDB answers from its index. Results are served as they stand now, so an edit or a deletion not yet in
 * the store already counts.
 */
export class MessageSearchService {
  constructor(
    private readonly state: ChatState,
    private readonly messages: MessagesRepository,
    private readonly live: LiveMessages,
  ) {}

  async search(userId: string, chatId: string, query: { q: string; cursor?: string; limit: number }) {
    await this.state.access(chatId, userId);
    const words = queryWords(query.q);
    if (!words.length) return { items: [] as Message[], nextCursor: null };
    const before = query.cursor ? Number(query.cursor) : undefined;
    const [found, pending] = await Promise.all([
      this.messages.search(new Types.ObjectId(chatId), words, before, query.limit),
      this.live.pending(chatId),
    ]);
    // Edits the store has not been given yet can match words it does not know: those few are checked here.
    const stored = new Map(found.map((doc) => [doc._id.toHexString(), storedMessage(doc)]));
    for (const json of Object.values(pending)) {
      const changed = parseStored(json);
      if (stored.has(changed.id) || (before !== undefined && changed.seq >= before)) continue;
      if (found.length === query.limit && changed.seq < found[found.length - 1]!.seq) continue;
      stored.set(changed.id, changed);
    }
    const served = await this.live.serve(
      chatId,
      [...stored.values()].sort((a, b) => b.seq - a.seq),
    );
    const last = found[found.length - 1];
    return {
      items: served.filter((m) => !m.deletedAt && matchesQuery(m.text, query.q)),
      nextCursor: found.length === query.limit && last ? String(last.seq) : null,
    };
  }
}
