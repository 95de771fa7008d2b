import { Emoji } from '@messenger/contracts';
import { QUICK_REACTIONS, REACTION_EMOJI } from './emoji';

describe('reaction emoji', () => {
  it('offers only emoji the server takes, each once', () => {
    expect(REACTION_EMOJI.filter((emoji) => !Emoji.safeParse(emoji).success)).toEqual([]);
    expect(new Set(REACTION_EMOJI).size).toBe(REACTION_EMOJI.length);
    expect(REACTION_EMOJI.slice(0, QUICK_REACTIONS.length)).toEqual([...QUICK_REACTIONS]);
  });
});
