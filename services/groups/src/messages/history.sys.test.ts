import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack } from '@messenger/kit/testing';
import { chatKey } from '../chats/chat-keys.js';
import { messageModel } from './message.model.js';

const SEEDED = 10_000;
type Page = { items: { seq: number; text: string }[]; nextCursor: string | null };

describe('history of 10 000 messages', () => {
  let stack: Stack;
  let anna: ApiClient;
  let boris: ApiClient;
  let chatId: string;

  beforeAll(async () => {
    stack = await startTestStack('history', { replicas: { calls: 0 } });
    anna = new ApiClient(stack.gatewayUrl());
    boris = new ApiClient(stack.gatewayUrl());
    const annaId = (await anna.register(`ha_${randomBytes(3).toString('hex')}`, 'Анна')).id;
    const borisId = (await boris.register(`hb_${randomBytes(3).toString('hex')}`, 'Борис')).id;
    chatId = (await anna.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Архив', memberIds: [borisId] })).body.id;
    // Seeded straight into the service's database: 10 000 sends through the API would test only patience.
    const db = await mongoose.createConnection(stack.env.MONGO_URL!, { dbName: 'messenger_groups' }).asPromise();
    const id = new mongoose.Types.ObjectId(chatId);
    const docs = Array.from({ length: SEEDED }, (_, i) => ({
      chatId: id,
      seq: i + 2,
      senderId: i % 2 ? annaId : borisId,
      kind: 'text',
      text: `сообщение ${i + 2}`,
      system: null,
      clientId: null,
      dedupeKey: `s:${i + 2}`,
    }));
    for (let i = 0; i < docs.length; i += 2_000) await messageModel(db).insertMany(docs.slice(i, i + 2_000));
    await db.close();
    // Redis never saw these messages: drop the chat's counters and window, as if Redis had lost them, so the
    // service loads them back from the store (the cold path) on the next request.
    const redis = new Redis(stack.env.REDIS_URL!);
    await redis.del(
      chatKey.seq(chatId),
      chatKey.last(chatId),
      chatKey.reads(chatId),
      chatKey.recent(chatId),
      chatKey.recentIds(chatId),
      chatKey.recentFrom(chatId),
    );
    redis.disconnect();
  });
  afterAll(async () => stack?.stop());

  // 100 pages of a 10 000-message history: FerretDB sorts each page in memory (~0.4 s alone, over 1 s when the
  // CI machine runs other system tests beside it), so this test gets a budget above the default 120 s.
  it('pages newest first with no gap or repeat while new messages arrive, and re-syncs what arrived', { timeout: 300_000 }, async () => {
    const first = await boris.call<Page>('GET', `/api/chats/${chatId}/messages?limit=100`);
    const top = first.body.items[0]!.seq;
    const seen = first.body.items.map((m) => m.seq);
    let cursor = first.body.nextCursor;

    // Anna keeps writing while Boris scrolls back.
    let writing = true;
    const sent: number[] = [];
    const writer = (async () => {
      for (let i = 0; writing && i < 200; i++) {
        const r = await anna.call<{ seq: number }>('POST', `/api/chats/${chatId}/messages`, { text: `новое ${i}`, clientId: `live-${i}` });
        sent.push(r.body.seq);
      }
    })();
    while (cursor) {
      const page = await boris.call<Page>('GET', `/api/chats/${chatId}/messages?limit=100&before=${cursor}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((m) => m.seq));
      cursor = page.body.nextCursor;
    }
    writing = false;
    await writer;

    expect(seen).toHaveLength(top);
    expect(seen).toEqual(Array.from({ length: top }, (_, i) => top - i));
    expect(sent.length).toBeGreaterThan(0);

    // What a reconnecting client missed: everything after the newest message it saw, oldest first.
    const missed: number[] = [];
    let after: string | null = String(top);
    while (after) {
      const page: { body: Page } = await boris.call<Page>('GET', `/api/chats/${chatId}/messages?limit=50&after=${after}`);
      missed.push(...page.body.items.map((m) => m.seq));
      after = page.body.nextCursor;
    }
    expect(missed).toEqual([...sent].sort((a, b) => a - b));
  });
});
