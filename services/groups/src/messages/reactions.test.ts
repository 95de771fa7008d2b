import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGE_LIMITS } from '@messenger/contracts';
import { withReaction } from './message-changes.service.js';
import type { StoredMessage } from './message-view.js';

const message = (reactions: StoredMessage['reactions'] = []): StoredMessage => ({
  id: 'a'.repeat(24),
  chatId: 'b'.repeat(24),
  seq: 1,
  senderId: 'c'.repeat(24),
  kind: 'text',
  text: 'hi',
  system: null,
  clientId: null,
  createdAt: new Date(0).toISOString(),
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  reactions,
  attachments: [],
  mentions: [],
});

describe('withReaction', () => {
  it('adds a new emoji at the end and a second person to an existing one', () => {
    const one = withReaction(message(), 'u1', '👍', true)!;
    const two = withReaction(one, 'u2', '👍', true)!;
    const three = withReaction(two, 'u1', '🔥', true)!;
    expect(three.reactions).toEqual([
      { emoji: '👍', userIds: ['u1', 'u2'] },
      { emoji: '🔥', userIds: ['u1'] },
    ]);
  });

  it('answers null (nothing to do) when the reaction already stands as asked', () => {
    const one = withReaction(message(), 'u1', '👍', true)!;
    expect(withReaction(one, 'u1', '👍', true)).toBeNull();
    expect(withReaction(one, 'u2', '👍', false)).toBeNull();
  });

  it('drops an emoji when its last person takes it back', () => {
    const one = withReaction(message(), 'u1', '👍', true)!;
    expect(withReaction(one, 'u1', '👍', false)!.reactions).toEqual([]);
  });

  it(`refuses a ${MESSAGE_LIMITS.reactionEmoji + 1}th different emoji, but not another person on an existing one`, () => {
    const full = message(Array.from({ length: MESSAGE_LIMITS.reactionEmoji }, (_, i) => ({ emoji: String(i), userIds: ['u1'] })));
    expect(() => withReaction(full, 'u2', 'new', true)).toThrow(/at most/);
    expect(withReaction(full, 'u2', '0', true)!.reactions[0]!.userIds).toEqual(['u1', 'u2']);
  });

  it('ends, after any sequence of toggles, with each person on exactly the emoji they last turned on', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('u1', 'u2', 'u3'), fc.constantFrom('👍', '🔥', '🎉'), fc.boolean())), (toggles) => {
        let current = message();
        const expected = new Map<string, boolean>();
        for (const [user, emoji, on] of toggles) {
          current = withReaction(current, user, emoji, on) ?? current;
          expected.set(`${user} ${emoji}`, on);
        }
        for (const [key, on] of expected) {
          const [user, emoji] = key.split(' ') as [string, string];
          const has = current.reactions.find((r) => r.emoji === emoji)?.userIds.includes(user) ?? false;
          expect(has).toBe(on);
        }
        expect(current.reactions.every((r) => r.userIds.length > 0 && new Set(r.userIds).size === r.userIds.length)).toBe(true);
      }),
    );
  });
});
