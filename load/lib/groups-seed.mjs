// Chats inserted straight into the groups service's database (creating thousands through the API takes longer
// than a run) must also be known where the service keeps its live state: the membership sets and the counters in
// Redis. This uses the service's own classes from its build, so the seeded state is exactly what a creation writes.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { ROOT } from './results.mjs';

const fromGroups = (path) => import(pathToFileURL(join(ROOT, 'services', 'groups', 'dist', path)).href);

/** @param {{ env: NodeJS.ProcessEnv }} stack */
export const groupsState = async (stack, { windowSize = 200 } = {}) => {
  const [{ ChatCounters }, { MembershipIndex }] = await Promise.all([
    fromGroups('messages/chat-counters.js'),
    fromGroups('chats/membership-index.js'),
  ]);
  const redis = new Redis(stack.env.REDIS_URL);
  const counters = new ChatCounters(redis, windowSize);
  // Only its Redis side is used here (join); the store side builds the index from scratch, which is not wanted.
  const index = new MembershipIndex(redis, null, { info() {}, warn() {} });
  return {
    counters,
    redis,
    /** A new, empty chat: counter at 0, an empty window that is the whole history, its members indexed. */
    registerChat: async (chatId, memberIds) => {
      await counters.init(chatId);
      await index.join(chatId, memberIds);
    },
    close: () => redis.quit(),
  };
};
