import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import mongoose, { Types, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALL_SETTINGS, DEFAULT_MEMBER_PERMISSIONS } from '@messenger/contracts';
import { createLogger } from '@messenger/kit';
import { startFerretDb, startNats, startRedis, type MongoServer, type NatsServer, type RedisServer } from '@messenger/kit/servers';
import { ChatCounters } from '../messages/chat-counters.js';
import { ChatLocks } from './chat-lock.js';
import { ChatState } from './chat-state.js';
import type { ChatDoc } from './chat.model.js';
import { ChatsRepository } from './chats.repository.js';
import { MembershipIndex } from './membership-index.js';

const logger = createLogger('chat-state-test', 'silent');

/**
 * Two replicas' caches of the same chats, over real NATS, Redis and FerretDB. Replica B does not listen to
 * announcements, as if it had missed every one: what keeps it from acting on an old role is the generation check.
 */
describe('ChatState: a cached chat is used only while it is current', () => {
  let nats: NatsServer;
  let redisServer: RedisServer;
  let mongo: MongoServer;
  let db: Connection;
  let redis: Redis;
  const connections: NatsConnection[] = [];
  let repo: ChatsRepository;
  let index: MembershipIndex;
  let a: ChatState;
  let b: ChatState;
  let listening: ChatState;
  let counters: ChatCounters;

  const replica = async (listen: boolean) => {
    const nc = await connect({ servers: nats.url });
    connections.push(nc);
    const state = new ChatState(repo, redis, nc, new ChatLocks(redis), index, logger);
    if (listen) state.listen();
    return state;
  };

  const newChat = async (members: string[]): Promise<ChatDoc> => {
    const now = new Date();
    const id = new Types.ObjectId();
    const chat = await repo.create({
      _id: id,
      type: 'group',
      name: 'Кэш',
      description: '',
      participants: members.map((user, i) => ({
        user,
        role: i === 0 ? ('owner' as const) : ('member' as const),
        joinedAt: now,
        addedBy: null,
        permissions: { ...DEFAULT_MEMBER_PERMISSIONS },
      })),
      memberCount: members.length,
      createdBy: members[0]!,
      maxMembers: 100,
      callSettings: { ...DEFAULT_CALL_SETTINGS },
      pairKey: `g:${id.toHexString()}`,
    });
    await counters.init(id.toHexString());
    await a.created(chat!);
    return chat!;
  };
  const user = () => new Types.ObjectId().toHexString();
  const roleIn = (chat: ChatDoc | undefined, userId: string) => chat?.participants.find((p) => p.user === userId)?.role;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-state-'));
    [nats, redisServer, mongo] = await Promise.all([
      startNats({ dataDir: join(dir, 'nats') }),
      startRedis({ dataDir: join(dir, 'redis') }),
      startFerretDb({ dataDir: join(dir, 'ferretdb') }),
    ]);
    db = await mongoose.createConnection(mongo.url, { dbName: 'chat_state_test' }).asPromise();
    redis = new Redis(redisServer.url);
    repo = new ChatsRepository(db);
    await repo.init();
    index = new MembershipIndex(redis, repo, logger);
    counters = new ChatCounters(redis, 200);
    a = await replica(false);
    b = await replica(false);
    listening = await replica(true);
  }, 120_000);

  /** One user's contacts, as the batch question answers them. */
  const contactsOf = async (userId: string) => (await index.contactsOfMany([userId])).get(userId)!;

  afterAll(async () => {
    for (const nc of connections) await nc.close();
    redis?.disconnect();
    await db?.close();
    await Promise.all([nats?.stop(), redisServer?.stop(), mongo?.stop()]);
  });

  it('a replica that missed the announcement of a demotion reloads instead of using its old copy', async () => {
    const [owner, boris] = [user(), user()];
    const chat = await newChat([owner, boris]);
    const chatId = chat._id.toHexString();
    await a.change(chatId, (c) => ({
      set: { participants: c!.participants.map((p) => (p.user === boris ? { ...p, role: 'admin' as const } : p)) },
    }));
    // B caches Boris as an admin.
    expect(roleIn((await b.get(chatId))?.chat, boris)).toBe('admin');

    await a.change(chatId, (c) => ({
      set: { participants: c!.participants.map((p) => (p.user === boris ? { ...p, role: 'member' as const } : p)) },
    }));
    // B never heard of it: its copy still says admin, and is stale by its generation...
    expect(roleIn(b.peek(chatId)?.chat, boris)).toBe('admin');
    expect(
      await counters.reserve(chatId, b.peek(chatId)!.gen, { readerId: boris, id: user(), createdAt: new Date(), text: 'x', dedupe: null }),
    ).toEqual({
      outcome: 'stale',
    });
    // ...so the next read through it is the demoted Boris.
    expect(roleIn((await b.get(chatId))?.chat, boris)).toBe('member');
  });

  it('a listening replica takes the new state from the announcement, without reading the store', async () => {
    const [owner, vera] = [user(), user()];
    const chat = await newChat([owner, vera]);
    const chatId = chat._id.toHexString();
    await listening.get(chatId);
    await a.change(chatId, (c) => ({ set: { participants: c!.participants.filter((p) => p.user !== vera), memberCount: 1 } }));
    await expect.poll(() => listening.peek(chatId)?.chat.participants.some((p) => p.user === vera)).toBe(false);
    // Current by the generation too: no reload needed.
    expect(listening.peek(chatId)!.gen).toBe(await redis.get(`chat:{${chatId}}:gen`));
    await expect(listening.access(chatId, vera)).rejects.toMatchObject({ payload: { code: 'NOT_FOUND' } });
  });

  it('keeps the membership index in step with every change', async () => {
    const [owner, gleb, dina] = [user(), user(), user()];
    const chat = await newChat([owner, gleb]);
    const chatId = chat._id.toHexString();
    expect(await contactsOf(gleb)).toEqual([owner]);
    const added = {
      user: dina,
      role: 'member' as const,
      joinedAt: new Date(),
      addedBy: owner,
      permissions: { ...DEFAULT_MEMBER_PERMISSIONS },
    };
    await a.change(chatId, (c) => ({ set: { participants: [...c!.participants.filter((p) => p.user !== gleb), added], memberCount: 2 } }));
    expect(await index.chatsOf(gleb)).toEqual([]);
    expect(await index.chatsOf(dina)).toEqual([chatId]);
    expect((await contactsOf(owner)).sort()).toEqual([dina]);
    await a.change(chatId, () => ({ remove: true }));
    expect(await index.chatsOf(owner)).toEqual([]);
    expect(await b.get(chatId)).toBeNull();
  });

  it('lets one change at a time through: parallel adds from two replicas all land', async () => {
    const owner = user();
    const chat = await newChat([owner]);
    const chatId = chat._id.toHexString();
    const newcomers = Array.from({ length: 12 }, () => user());
    await Promise.all(
      newcomers.map((id, i) =>
        (i % 2 ? a : b).change(chatId, (c) => ({
          set: {
            participants: [
              ...c!.participants,
              { user: id, role: 'member', joinedAt: new Date(), addedBy: owner, permissions: { ...DEFAULT_MEMBER_PERMISSIONS } },
            ],
            memberCount: c!.participants.length + 1,
          },
        })),
      ),
    );
    const stored = await repo.findById(chatId);
    expect(stored!.participants.map((p) => p.user).sort()).toEqual([owner, ...newcomers].sort());
    expect((await contactsOf(owner)).sort()).toEqual([...newcomers].sort());
  });
});
