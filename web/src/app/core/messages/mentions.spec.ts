import { aMember, aUser } from '../../testing/fakes';
import { insertMention, mentionAt, mentionCandidates, mentionSegments } from './mentions';

describe('mentions', () => {
  const anna = aMember(aUser('Anna'));
  const boris = aMember({ ...aUser('Boris'), username: 'bob_k', name: 'Борис Кузнецов' });
  const members = [anna, boris];

  it('marks @username of a member in a message, and leaves other @words and addresses plain', () => {
    expect(mentionSegments('@anna, look: @bob_k! mail me@anna.org or @nobody', members)).toEqual([
      { text: '@anna', userId: anna.user.id },
      { text: ', look: ', userId: null },
      { text: '@bob_k', userId: boris.user.id },
      { text: '! mail me@anna.org or @nobody', userId: null },
    ]);
    expect(mentionSegments('no one here', members)).toEqual([{ text: 'no one here', userId: null }]);
    expect(mentionSegments('@ANNA', members)).toEqual([{ text: '@ANNA', userId: anna.user.id }]);
  });

  it('finds the @ being typed before the caret, including a bare @', () => {
    expect(mentionAt('hi @an', 6)).toEqual({ start: 3, query: 'an' });
    expect(mentionAt('hi @', 4)).toEqual({ start: 3, query: '' });
    expect(mentionAt('@Bo there', 3)).toEqual({ start: 0, query: 'bo' });
    expect(mentionAt('mail me@an', 10)).toBeNull();
    expect(mentionAt('hi @an there', 12)).toBeNull();
  });

  it('offers members by username first, then by a word of the name, never me', () => {
    expect(mentionCandidates(members, 'b', anna.user.id)).toEqual([boris]);
    expect(mentionCandidates(members, 'куз', anna.user.id)).toEqual([boris]);
    expect(mentionCandidates(members, '', boris.user.id)).toEqual([anna]);
    expect(mentionCandidates(members, 'zz', anna.user.id)).toEqual([]);
  });

  it('replaces what was typed with @username and a space, caret after it', () => {
    expect(insertMention('hi @bo how', 3, 6, 'bob_k')).toEqual({ text: 'hi @bob_k how', caret: 10 });
    expect(insertMention('@', 0, 1, 'anna')).toEqual({ text: '@anna ', caret: 6 });
  });
});
