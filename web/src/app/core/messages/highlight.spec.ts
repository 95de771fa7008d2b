import { highlight } from './highlight';

describe('highlight', () => {
  it('marks the start of each word the query matches, in any case and script', () => {
    expect(highlight('Hello, hello world', 'hel')).toEqual([
      { text: 'Hel', mark: true },
      { text: 'lo, ', mark: false },
      { text: 'hel', mark: true },
      { text: 'lo world', mark: false },
    ]);
    expect(highlight('Встреча в ПЯТНИЦУ', 'пятница встр')).toEqual([
      { text: 'Встр', mark: true },
      { text: 'еча в ПЯТНИЦУ', mark: false },
    ]);
  });

  it('marks a whole word when the query is that word, and nothing inside a word', () => {
    expect(highlight('book notebook', 'book')).toEqual([
      { text: 'book', mark: true },
      { text: ' notebook', mark: false },
    ]);
  });

  it('leaves the text whole when nothing matches', () => {
    expect(highlight('plain text', 'zzz')).toEqual([{ text: 'plain text', mark: false }]);
  });
});
