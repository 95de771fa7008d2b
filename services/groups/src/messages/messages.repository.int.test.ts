import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { Types, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFerretDb, type MongoServer } from '@messenger/kit/servers';
import type { MessageDoc } from './message.model.js';
import { MessagesRepository } from './messages.repository.js';
import { queryWords, searchWords } from './search-words.js';

/** Message inserts against the real local store: group commit, and duplicates told apart from failures. */
describe('MessagesRepository.insert', () => {
  let mongo: MongoServer;
  let db: Connection;
  let repo: MessagesRepository;
  const inserts: number[] = [];

  beforeAll(async () => {
    mongo = await startFerretDb({ dataDir: mkdtempSync(join(tmpdir(), 'messages-repo-')) });
    db = await mongoose.createConnection(mongo.url, { dbName: 'messages_repo_test', monitorCommands: true }).asPromise();
    db.getClient().on('commandStarted', (event) => {
      if (event.commandName === 'insert') inserts.push((event.command as { documents: unknown[] }).documents.length);
    });
    repo = new MessagesRepository(db);
    await repo.init();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await mongo?.stop();
  });

  const message = (chatId: Types.ObjectId, seq: number, id = new Types.ObjectId()): MessageDoc => ({
    _id: id,
    chatId,
    seq,
    senderId: null,
    kind: 'text',
    text: `m${seq}`,
    system: null,
    clientId: null,
    dedupeKey: `s:${seq}`,
    createdAt: new Date(),
  });

  it('stores parallel inserts in fewer commands than messages, every one of them', async () => {
    const chatId = new Types.ObjectId();
    inserts.length = 0;
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => repo.insert(message(chatId, i + 1))));
    expect(results).toEqual(Array(60).fill(true));
    expect(inserts.reduce((a, b) => a + b, 0)).toBe(60);
    // The first goes alone, the rest wait for it and go together.
    expect(inserts.length).toBeLessThan(60);
    expect(inserts[0]).toBe(1);
    expect(await repo.before(chatId, undefined, 100)).toHaveLength(60);
  });

  it('answers false for a message already stored and true for the others in the same batch', async () => {
    const chatId = new Types.ObjectId();
    const first = message(chatId, 1);
    expect(await repo.insert(first)).toBe(true);
    const [again, taken, fresh] = await Promise.all([
      repo.insert({ ...first }),
      repo.insert(message(chatId, 1)), // the same (chat, seq) under another id
      repo.insert(message(chatId, 2)),
    ]);
    expect([again, taken, fresh]).toEqual([false, false, true]);
    expect((await repo.before(chatId, undefined, 10)).map((m) => m.seq)).toEqual([2, 1]);
  });
});

/** Search and the written-behind changes, against the real local store. */
describe('MessagesRepository search and saveChanges', () => {
  let mongo: MongoServer;
  let db: Connection;
  let repo: MessagesRepository;

  beforeAll(async () => {
    mongo = await startFerretDb({ dataDir: mkdtempSync(join(tmpdir(), 'messages-search-')) });
    db = await mongoose.createConnection(mongo.url, { dbName: 'messages_search_test' }).asPromise();
    repo = new MessagesRepository(db);
    await repo.init();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await mongo?.stop();
  });

  const message = (chatId: Types.ObjectId, seq: number, text: string): MessageDoc => ({
    _id: new Types.ObjectId(),
    chatId,
    seq,
    senderId: null,
    kind: 'text',
    text,
    system: null,
    clientId: null,
    dedupeKey: `s:${seq}`,
    createdAt: new Date(),
    words: searchWords(text),
  });

  it('finds messages holding every word, newest first, in one chat only, before a cursor', async () => {
    const chat = new Types.ObjectId();
    const other = new Types.ObjectId();
    const texts = ['Отчёт за квартал', 'квартальный отчёт готов', 'про отпуск', 'Отчёт'];
    for (const [i, text] of texts.entries()) await repo.insert(message(chat, i + 1, text));
    await repo.insert(message(other, 1, 'отчёт квартал'));
    const found = await repo.search(chat, queryWords('отч квартал'), undefined, 10);
    expect(found.map((m) => m.seq)).toEqual([2, 1]);
    expect((await repo.search(chat, queryWords('отчёт'), 4, 10)).map((m) => m.seq)).toEqual([2, 1]);
    expect(await repo.search(chat, queryWords('нет такого'), undefined, 10)).toEqual([]);
  });

  it('writes edits, and a deletion clears text, files, reactions and search words', async () => {
    const chat = new Types.ObjectId();
    const doc = message(chat, 1, 'секретный текст');
    await repo.insert({ ...doc, reactions: [{ emoji: '👍', userIds: ['u1'] }] });
    const id = doc._id.toHexString();
    await repo.saveChanges([{ id, fields: { text: 'правка', editedAt: new Date(), words: searchWords('правка') } }]);
    expect((await repo.findById(chat, id))?.text).toBe('правка');
    expect((await repo.search(chat, queryWords('правка'), undefined, 10)).map((m) => m.seq)).toEqual([1]);
    await repo.saveChanges([{ id, fields: { deletedAt: new Date() } }]);
    const deleted = await repo.findById(chat, id);
    expect(deleted).toMatchObject({ text: '', reactions: [], attachments: [], mentions: [], words: [] });
    expect(deleted?.deletedAt).toBeInstanceOf(Date);
    expect(await repo.search(chat, queryWords('правка'), undefined, 10)).toEqual([]);
  });
});
