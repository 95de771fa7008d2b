import type { Reaction } from '@messenger/contracts';

/**
 * A message's reactions with one person's emoji added or taken back, as the server will answer: a new emoji goes
 * last, an emoji no one is left on goes away. Used to show a click at once, before the server confirms it.
 */
export const withReaction = (reactions: readonly Reaction[], emoji: string, userId: string, on: boolean): Reaction[] => {
  const existing = reactions.find((r) => r.emoji === emoji);
  if (on) {
    if (existing?.userIds.includes(userId)) return [...reactions];
    if (!existing) return [...reactions, { emoji, userIds: [userId] }];
    return reactions.map((r) => (r === existing ? { emoji, userIds: [...r.userIds, userId] } : r));
  }
  if (!existing?.userIds.includes(userId)) return [...reactions];
  return reactions
    .map((r) => (r === existing ? { emoji, userIds: r.userIds.filter((id) => id !== userId) } : r))
    .filter((r) => r.userIds.length > 0);
};

export const reactedWith = (reactions: readonly Reaction[], emoji: string, userId: string): boolean =>
  reactions.some((r) => r.emoji === emoji && r.userIds.includes(userId));
