import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matchesQuery, queryWords, searchWords } from './search-words.js';
import { mentionedUsernames } from './mentions.js';

describe('search words', () => {
  it('stores whole words and their starts, folded', () => {
    const words = searchWords('Привет, WORLD! 42');
    expect(words).toEqual(expect.arrayContaining(['привет', 'пр', 'прив', 'world', 'wo', '42']));
    expect(words).toContain('п');
    expect(words).not.toContain('ивет');
  });

  it('keeps one-letter words whole, and long words by their first 12 characters', () => {
    expect(searchWords('a')).toEqual(['a']);
    const long = searchWords('internationalization');
    expect(long).toContain('internationa');
    expect(long).not.toContain('internationalization');
  });

  it('finds a text by any start of each of its words (the store match and the full check agree)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-zа-я0-9]{1,20}$/), { minLength: 1, maxLength: 6 }), fc.nat(), (words, pick) => {
        const text = words.join(' ');
        const word = words[pick % words.length]!;
        const query = word.slice(0, 1 + (pick % word.length));
        const stored = new Set(searchWords(text));
        expect(queryWords(query).every((q) => stored.has(q))).toBe(true);
        expect(matchesQuery(text, query)).toBe(true);
      }),
    );
  });

  it('does not match a word that only contains the query in its middle', () => {
    expect(matchesQuery('cathedral', 'hedral')).toBe(false);
    expect(new Set(searchWords('cathedral')).has('hedral')).toBe(false);
  });

  it('needs every word of the query', () => {
    expect(matchesQuery('the quick brown fox', 'quick fox')).toBe(true);
    expect(matchesQuery('the quick brown fox', 'quick dog')).toBe(false);
    expect(queryWords('  ,,  ')).toEqual([]);
  });
});

describe('mentions', () => {
  it('finds @usernames, once each, in lower case', () => {
    expect(mentionedUsernames('@anna and @Boris_2, and @anna again')).toEqual(['anna', 'boris_2']);
  });

  it('ignores e-mail addresses, too-short names and a bare @', () => {
    expect(mentionedUsernames('write to me@example.com or @ab or @ alone')).toEqual([]);
  });

  it('finds a mention after punctuation or a line break', () => {
    expect(mentionedUsernames('(@anna)\n@boris: hi')).toEqual(['anna', 'boris']);
  });
});
