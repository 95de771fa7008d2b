/**
 * Search by words without a text index the local store lacks: a message keeps its words and their starts (edge
 * n-grams, 1 to 12 characters) in a multikey-indexed field, and a query matches when each of its words is a word of
 * the text or the start of one. Case and width fold (NFKC, lower case); any letter or digit in any script counts.
 */
const MAX_PREFIX = 12;
const MIN_PREFIX = 1;
const MAX_QUERY_WORDS = 8;

const wordsIn = (text: string): string[] =>
  text
    .normalize('NFKC')
    .toLocaleLowerCase('und')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** What a message stores to be found: every word up to 12 characters, and every start of a word. */
export const searchWords = (text: string): string[] => {
  const found = new Set<string>();
  for (const word of wordsIn(text)) {
    const chars = [...word];
    if (chars.length <= MAX_PREFIX) found.add(word);
    for (let n = MIN_PREFIX; n <= Math.min(chars.length, MAX_PREFIX); n++) found.add(chars.slice(0, n).join(''));
  }
  return [...found];
};

/** A query's words as the store matches them (cut to the longest stored start); empty when it has none. */
export const queryWords = (query: string): string[] => [
  ...new Set(
    wordsIn(query)
      .slice(0, MAX_QUERY_WORDS)
      .map((word) => [...word].slice(0, MAX_PREFIX).join('')),
  ),
];

/** Whether a text matches a query in full (the store's match is cut at 12 characters; this checks the rest). */
export const matchesQuery = (text: string, query: string): boolean => {
  const words = wordsIn(text);
  return wordsIn(query)
    .slice(0, MAX_QUERY_WORDS)
    .every((q) => words.some((word) => word.startsWith(q)));
};
