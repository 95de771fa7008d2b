import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalStores } from '../testing/local-stores.js';
import { AccountsRepository } from './accounts.repository.js';
import type { AccountDoc } from './account.model.js';
import { UserCache } from './user-cache.js';

describe('user profiles served from Redis', () => {
  let stores: Awaited<ReturnType<typeof startLocalStores>>;
  let accounts: AccountsRepository;
  let users: UserCache;

  beforeAll(async () => {
    stores = await startLocalStores('user-cache');
    accounts = new AccountsRepository(stores.db);
    await accounts.init();
    users = new UserCache(stores.redis, accounts);
  });
  afterAll(async () => stores?.stop());
  beforeEach(async () => stores.settle());

  const account = async (name: string) => {
    const created = (await accounts.create({ username: `u_${randomBytes(5).toString('hex')}`, name, passwordHash: 'x' }))!;
    stores.storeCommands.length = 0;
    return created;
  };

  // A cold load is one query of the accounts and one of their last-seen records, for all missing ids at once.
  const COLD_LOAD = ['find accounts', 'find last_seen'];

  it('loads the users it does not hold from the store in one query each of accounts and last-seen, once; after that reads none', async () => {
    const [ann, bob] = [await account('Ann'), await account('Bob')];
    const ids = [ann._id.toHexString(), bob._id.toHexString()];
    const first = await users.getMany(ids);
    expect([...first.values()].map((cached) => cached.user.name).sort()).toEqual(['Ann', 'Bob']);
    expect(stores.storeCommands.sort()).toEqual(COLD_LOAD);
    stores.storeCommands.length = 0;
    const again = await users.getMany([...ids, ids[0]!]);
    expect([...again.keys()].sort()).toEqual([...ids].sort());
    expect(again.get(ids[0]!)?.user).toMatchObject({ id: ids[0], name: 'Ann', bio: '', avatarUrl: null });
    expect(stores.storeCommands).toEqual([]);
  });

  it('makes one query for a user however many requests miss it at once (after Redis lost its entries)', async () => {
    const [ann, bob] = [await account('Ann'), await account('Bob')];
    const [a, b] = [ann._id.toHexString(), bob._id.toHexString()];
    const results = await Promise.all([users.getMany([a]), users.getMany([a, b]), users.get(a), users.get(b)]);
    expect(results.map((r) => (r instanceof Map ? r.size : r?.user.name))).toEqual([1, 2, 'Ann', 'Bob']);
    expect(stores.storeCommands.sort()).toEqual([...COLD_LOAD, ...COLD_LOAD].sort());
  });

  it('remembers that an id is nobody, until that account is registered', async () => {
    const nobody = new Types.ObjectId().toHexString();
    expect(await users.get(nobody)).toBeUndefined();
    expect(await users.get(nobody)).toBeUndefined();
    expect(stores.storeCommands.sort()).toEqual(COLD_LOAD);

    const registered = await account('Late');
    const sameId = { ...registered, _id: new Types.ObjectId(nobody) } as AccountDoc;
    await users.put(sameId);
    expect((await users.get(nobody))?.user.name).toBe('Late');
  });

  it('serves an edit at once, and a load that read the store before the edit cannot put the old profile back', async () => {
    const before = await account('Old name');
    const id = before._id.toHexString();
    await users.get(id);
    const after = (await accounts.update(id, { name: 'New name' }))!;
    await users.put(after);
    expect((await users.get(id))?.user.name).toBe('New name');
    await users.put(before); // what a slow cold load on another replica would write
    expect((await users.get(id))?.user.name).toBe('New name');
  });
});
