import { firstLine, humanSize } from './message-text';

describe('message text', () => {
  it('quotes the first non-empty line, cut to 100 characters', () => {
    expect(firstLine('\n  Привет!  \nвторая строка')).toBe('Привет!');
    expect(firstLine('a'.repeat(150))).toHaveLength(100);
    expect(firstLine('')).toBe('');
  });

  it('words file sizes in the reader\'s language', () => {
    expect(humanSize(512, 'en')).toBe('512B');
    expect(humanSize(1536, 'en')).toBe('1.5 kB');
    expect(humanSize(25 * 1024 * 1024, 'en')).toBe('25 MB');
    expect(humanSize(1.5 * 1024 * 1024, 'ru')).toBe('1,5 МБ');
  });
});
