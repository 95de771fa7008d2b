import type { ApiClient } from './api-client.js';

/** A message as the history pages carry it: what tests compare after faults. */
export interface HistoryMessage {
  id: string;
  seq: number;
  clientId: string | null;
  chatId: string;
  text: string;
}

/** Every message of a chat after `after`, oldest first, through the re-sync path a client uses after a reconnect. */
export const chatHistory = async <T extends HistoryMessage = HistoryMessage>(api: ApiClient, chatId: string, after = 0): Promise<T[]> => {
  const all: T[] = [];
  for (;;) {
    const page = await api.call<{ items: T[]; nextCursor: string | null }>('GET', `/api/chats/${chatId}/messages?after=${after}&limit=100`);
    all.push(...page.body.items);
    if (page.body.nextCursor === null || page.body.items.length === 0) return all;
    after = page.body.items.at(-1)!.seq;
  }
};
