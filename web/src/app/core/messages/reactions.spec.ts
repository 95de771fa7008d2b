import { reactedWith, withReaction } from './reactions';

describe('withReaction', () => {
  const reactions = [
    { emoji: '👍', userIds: ['a', 'b'] },
    { emoji: '🔥', userIds: ['b'] },
  ];

  it('adds my emoji to an existing chip, or a new chip last', () => {
    expect(withReaction(reactions, '🔥', 'a', true)).toEqual([
      { emoji: '👍', userIds: ['a', 'b'] },
      { emoji: '🔥', userIds: ['b', 'a'] },
    ]);
    expect(withReaction(reactions, '🎉', 'a', true).at(-1)).toEqual({ emoji: '🎉', userIds: ['a'] });
    expect(withReaction(reactions, '👍', 'a', true)).toEqual(reactions);
  });

  it('takes mine back, dropping a chip no one is left on', () => {
    expect(withReaction(reactions, '👍', 'a', false)).toEqual([
      { emoji: '👍', userIds: ['b'] },
      { emoji: '🔥', userIds: ['b'] },
    ]);
    expect(withReaction(reactions, '🔥', 'b', false)).toEqual([{ emoji: '👍', userIds: ['a', 'b'] }]);
    expect(withReaction(reactions, '🔥', 'a', false)).toEqual(reactions);
  });

  it('tells whether I reacted with an emoji', () => {
    expect(reactedWith(reactions, '🔥', 'b')).toBe(true);
    expect(reactedWith(reactions, '🔥', 'a')).toBe(false);
  });
});
