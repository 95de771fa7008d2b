// Seeds a history of LOAD_MESSAGES (1 000 000) messages over LOAD_CHATS (10 000) group chats straight into the
// groups service's database, then gives each chat the live state a real history leaves in Redis (its counter,
// its preview and its recent window, written with the service's own classes). A few long chats (LOAD_LONG_CHATS
// of LOAD_LONG_MESSAGES each) have pages older than the recent window; the rest share what is left.
import mongoose from 'mongoose';
import { groupsState } from '../lib/groups-seed.mjs';
import { syntheticUserId } from '../lib/stack.mjs';

const BATCH = 5_000;

/**
 * @param {{ env: NodeJS.ProcessEnv }} stack
 * @param {{ chats: number, messages: number, longChats: number, longMessages: number, membersPerChat: number,
 *           users: number, windowSize: number, log: (line: string) => void }} options
 * @returns {Promise<{ chats: { id: string, members: string[], count: number }[], seconds: { store: number, redis: number } }>}
 */
export const seedHistory = async (stack, options) => {
  const client = new mongoose.mongo.MongoClient(stack.env.MONGO_URL);
  await client.connect();
  const state = await groupsState(stack, { windowSize: options.windowSize });
  try {
    const db = client.db('messenger_groups');
    const now = Date.now();
    const restPerChat = (options.messages - options.longChats * options.longMessages) / (options.chats - options.longChats);
    const chats = Array.from({ length: options.chats }, (_, i) => {
      const members = Array.from({ length: options.membersPerChat }, (_, k) => syntheticUserId((i * 7 + k * 131) % options.users));
      const count =
        i < options.longChats
          ? options.longMessages
          : Math.floor(restPerChat * (i + 1 - options.longChats)) - Math.floor(restPerChat * (i - options.longChats));
      return { id: new mongoose.Types.ObjectId().toHexString(), members: [...new Set(members)], count };
    });

    let started = performance.now();
    const created = new Date(now - 86_400_000);
    const docs = chats.map((chat) => ({
      _id: new mongoose.Types.ObjectId(chat.id),
      type: 'group',
      name: `History ${chat.id.slice(-6)}`,
      description: '',
      avatarVersion: null,
      participants: chat.members.map((user, k) => ({
        user,
        role: k === 0 ? 'owner' : 'member',
        joinedAt: created,
        addedBy: k === 0 ? null : chat.members[0],
        permissions:
          k === 0
            ? { canAddMembers: true, canRemoveMembers: true, canEditInfo: true, canStartCall: true }
            : { canAddMembers: false, canRemoveMembers: false, canEditInfo: false, canStartCall: true },
        ringMuted: false,
      })),
      memberCount: chat.members.length,
      createdBy: chat.members[0],
      maxMembers: 100,
      callSettings: { muteAll: false, onlyAdminsCanSpeak: false, ring: 'everyone' },
      pairKey: `g:${chat.id}`,
      liveCallId: null,
      version: 0,
      createdAt: created,
      updatedAt: created,
    }));
    for (let i = 0; i < docs.length; i += BATCH) await db.collection('chats').insertMany(docs.slice(i, i + BATCH), { ordered: false });

    // Messages, in batches that mix chats; each chat's own are seq 1..count, a second apart.
    const messages = db.collection('messages');
    let batch = [];
    let inserted = 0;
    const message = (chat, seq) => ({
      _id: new mongoose.Types.ObjectId(),
      chatId: new mongoose.Types.ObjectId(chat.id),
      seq,
      senderId: chat.members[seq % chat.members.length],
      kind: 'text',
      text: `message ${seq} of a seeded history, about as long as a chat line usually is`,
      system: null,
      clientId: null,
      dedupeKey: `s:${seq}`,
      createdAt: new Date(now - (chat.count - seq) * 1000),
    });
    const newest = new Map();
    for (const chat of chats) {
      const tail = [];
      for (let seq = 1; seq <= chat.count; seq++) {
        const doc = message(chat, seq);
        batch.push(doc);
        if (seq > chat.count - options.windowSize) tail.push(doc);
        if (batch.length === BATCH) {
          await messages.insertMany(batch, { ordered: false });
          inserted += batch.length;
          batch = [];
          if (inserted % 100_000 === 0) options.log(`${inserted} messages stored (${((performance.now() - started) / 1000).toFixed(0)} s)`);
        }
      }
      newest.set(chat.id, tail);
    }
    if (batch.length) await messages.insertMany(batch, { ordered: false });
    const storeSeconds = (performance.now() - started) / 1000;

    // Redis: what the service would hold had these been sent through it.
    started = performance.now();
    const toMessage = (doc) => ({
      id: doc._id.toHexString(),
      chatId: doc.chatId.toHexString(),
      seq: doc.seq,
      senderId: doc.senderId,
      kind: doc.kind,
      text: doc.text,
      system: null,
      clientId: null,
      createdAt: doc.createdAt.toISOString(),
    });
    for (const chat of chats) {
      const tail = newest.get(chat.id).map(toMessage).reverse();
      const last = tail[0];
      await state.registerChat(chat.id, chat.members);
      await state.counters.warm(chat.id, {
        lastSeq: chat.count,
        last: last
          ? {
              seq: last.seq,
              id: last.id,
              senderId: last.senderId,
              kind: last.kind,
              text: last.text,
              system: null,
              createdAt: last.createdAt,
            }
          : null,
        reads: new Map(),
      });
      await state.counters.fill(chat.id, tail, chat.count <= options.windowSize);
    }
    return { chats, seconds: { store: storeSeconds, redis: (performance.now() - started) / 1000 } };
  } finally {
    await client.close();
    await state.close();
  }
};
