import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack } from '@messenger/kit/testing';
import { accountModel, nameWords } from '../accounts/account.model.js';

type Page = { items: { id: string; username: string; name: string }[]; nextCursor: string | null };

const FIRST = ['Анна', 'Иван', 'Мария', 'Пётр', 'Olga', 'John', 'Maria', 'Ivan', 'Sofia', 'Alex'];
const LAST = ['Иванова', 'Петров', 'Smith', 'Kowalski', 'Сидорова', 'Brown', 'Мария', 'Lee'];

describe('people search', () => {
  let stack: Stack;
  let me: ApiClient;
  let myUsername: string;

  beforeAll(async () => {
    // Paging through every match takes more requests than a person's search limit allows; the limit has its own test.
    stack = await startTestStack('search', { replicas: { groups: 0, calls: 0 }, env: { RATE_LIMITS: 'search=100000/1' } });
    me = new ApiClient(stack.gatewayUrl());
    myUsername = 'maria_searcher';
    await me.register(myUsername, 'Maria Searcher');
    // 1 000 people, seeded straight into the service's database (hashing 1 000 passwords through the API would only test scrypt).
    const db = await mongoose.createConnection(stack.env.MONGO_URL!, { dbName: 'messenger_users' }).asPromise();
    const accounts = accountModel(db);
    const docs = Array.from({ length: 1000 }, (_, i) => {
      const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
      return {
        username: `user_${String(i).padStart(4, '0')}`,
        name,
        nameWords: nameWords(name),
        bio: '',
        passwordHash: 'x',
        avatarVersion: null,
      };
    });
    docs.push({ username: 'maria', name: 'Someone Else', nameWords: ['someone', 'else'], bio: '', passwordHash: 'x', avatarVersion: null });
    docs.push({
      username: 'mariano',
      name: 'Mariano Rossi',
      nameWords: ['mariano', 'rossi'],
      bio: '',
      passwordHash: 'x',
      avatarVersion: null,
    });
    docs.push({
      username: 'a.b+c',
      name: 'Regex (Test) [x]',
      nameWords: nameWords('Regex (Test) [x]'),
      bio: '',
      passwordHash: 'x',
      avatarVersion: null,
    });
    await accounts.insertMany(docs);
    await db.close();
  });
  afterAll(async () => stack?.stop());

  const search = (params: Record<string, string>) => me.call<Page>('GET', `/api/users/search?${new URLSearchParams(params)}`);

  const all = async (q: string, limit: number) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: Page } = await search({ q, limit: String(limit), ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.body.items.map((u) => u.username));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 500);
    return seen;
  };

  it('ranks the exact username, then username prefixes, then name matches, and excludes the caller', async () => {
    const { body } = await search({ q: 'Maria', limit: '5' });
    // Latin "Maria" is every tenth seeded user from index 6.
    expect(body.items.map((u) => u.username)).toEqual(['maria', 'mariano', 'user_0006', 'user_0016', 'user_0026']);
    const everyone = await all('maria', 50);
    expect(everyone).not.toContain(myUsername);
  });

  it('pages through every match once, in any page size, with a stable cursor', async () => {
    // Two username matches, then the 100 people named Maria (Latin only: Мария is another word).
    const big = await all('maria', 50);
    const small = await all('maria', 7);
    expect(new Set(big).size).toBe(big.length);
    expect(small).toEqual(big);
    expect(big.length).toBe(2 + 100);
  });

  it('matches Cyrillic names, any word, case-insensitively', async () => {
    const first = await all('мария', 50);
    // Мария as a first name (index % 10 = 2: 100 people) or a last name (12 groups of 10: 120), 12 people both.
    expect(first.length).toBe(100 + 120 - 12);
    // Every word must match: Анна with a name word starting "иван" (Иванова: 13 groups with an Анна each).
    const twoWords = await all('анна иван', 20);
    expect(twoWords.length).toBe(13);
    expect((await search({ q: 'ПЕТРОВ', limit: '1' })).body.items[0]?.name).toMatch(/Петров$/);
  });

  it('answers in bounded reads whatever the query: many name matches but nobody for the second word', async () => {
    // "и" starts 230 name words (Иван, Иванова), "zzzzz" none: one request reads a few batches, then answers with
    // what it has and a cursor to go on, instead of reading every match while the gateway has long given up.
    const first = await search({ q: 'и zzzzz', limit: '20' });
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([]);
    expect(first.body.nextCursor).not.toBeNull();
    expect(await all('и zzzzz', 20)).toEqual([]);
  });

  it('treats regex characters in the query as text', async () => {
    expect((await search({ q: '(test)', limit: '10' })).body.items.map((u) => u.username)).toEqual(['a.b+c']);
    expect((await search({ q: '.*', limit: '10' })).body.items).toEqual([]);
  });

  it.each([
    [{ q: '' }, 'q'],
    [{ q: 'a', limit: '51' }, 'limit'],
    [{ q: 'a', limit: '0' }, 'limit'],
    [{ q: 'a', cursor: 'garbage' }, 'cursor'],
    [{ q: 'a', extra: '1' }, '(root)'],
  ])('refuses %j naming %s', async (params, field) => {
    const refused = await search(params as Record<string, string>);
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain(`"path":"${field}"`);
  });
});
