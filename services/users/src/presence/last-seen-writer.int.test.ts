import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalStores } from '../testing/local-stores.js';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { LastSeenWriter } from './last-seen-writer.js';
import { PresenceRepository } from './presence.repository.js';

const GATEWAY = 'gw-1';
const logger = pino({ level: 'silent' });

describe('last-seen times: Redis on the way, the store in the background', () => {
  let stores: Awaited<ReturnType<typeof startLocalStores>>;
  let accounts: AccountsRepository;
  let presence: PresenceRepository;

  beforeAll(async () => {
    stores = await startLocalStores('last-seen');
    accounts = new AccountsRepository(stores.db);
    await accounts.init();
    presence = new PresenceRepository(stores.redis, 15_000);
  });
  afterAll(async () => stores?.stop());
  beforeEach(async () => stores.settle());

  const register = async (count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const created = await accounts.create({ username: `ls_${randomBytes(5).toString('hex')}`, name: 'L', passwordHash: 'x' });
      ids.push(created!._id.toHexString());
    }
    stores.storeCommands.length = 0;
    return ids;
  };
  const lastSeenInStore = async (ids: string[]) =>
    new Map((await accounts.findManyByIds(ids)).map((a) => [a._id.toHexString(), a.lastSeenAt === null ? null : a.lastSeenAt.getTime()]));

  it('closing sockets writes nothing to the store; the writer then appends each user once, all in one insert', async () => {
    const ids = await register(300);
    // A reconnect storm: every user's socket closes twice, reconnecting in between.
    for (let round = 0; round < 2; round++) {
      await Promise.all(ids.map((id) => presence.opened(id, GATEWAY)));
      await Promise.all(ids.map((id) => presence.closed(id, GATEWAY)));
    }
    expect(stores.storeCommands).toEqual([]);
    const newest = new Map((await presence.states(ids)).map((state, i) => [ids[i]!, state.lastSeenMs!]));

    await new LastSeenWriter(presence, accounts, logger).flush();
    // Inserts of many users each (the writer takes up to 1 000 at a time), never an update: not one per close.
    expect(stores.storeCommands).toEqual(['insert last_seen']);

    const saved = await lastSeenInStore(ids);
    for (const id of ids) expect(saved.get(id), id).toBe(newest.get(id));
    expect(await presence.takeUnsaved(10)).toEqual([]);
  });

  it('never replaces a newer saved time with an older one', async () => {
    const [id] = await register(1);
    const now = Date.now();
    await accounts.saveLastSeen([{ userId: id!, at: now }]);
    await accounts.saveLastSeen([{ userId: id!, at: now - 60_000 }]);
    expect((await lastSeenInStore([id!])).get(id!)).toBe(now);
  });

  it('gives the times back when the store refuses them, keeping a newer one queued meanwhile', async () => {
    const [id] = await register(1);
    await presence.opened(id!, GATEWAY);
    const first = (await presence.closed(id!, GATEWAY))!;
    let newer = 0;
    const failing = {
      saveLastSeen: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5)); // the user comes back and leaves again, later
        await presence.opened(id!, GATEWAY);
        newer = (await presence.closed(id!, GATEWAY))!;
        throw new Error('store down');
      },
    } as unknown as AccountsRepository;
    await new LastSeenWriter(presence, failing, logger).flush();
    expect(newer).toBeGreaterThan(first);
    expect(await presence.takeUnsaved(10)).toEqual([{ userId: id, at: newer }]);
  });

  it('queues the time a dead gateway’s users went offline, as the sweep records it', async () => {
    const ids = await register(3);
    const shortLived = new PresenceRepository(stores.redis, 100);
    await Promise.all(ids.map((id) => shortLived.opened(id, 'gw-dead')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const offline = await shortLived.sweep();
    expect(offline.map((o) => o.userId).sort()).toEqual([...ids].sort());
    const states = await presence.states(ids);
    expect(states.every((s, i) => !s.online && s.lastSeenMs === offline.find((o) => o.userId === ids[i])!.at)).toBe(true);
    expect((await presence.takeUnsaved(10)).map((t) => t.userId).sort()).toEqual([...ids].sort());
  });
});
