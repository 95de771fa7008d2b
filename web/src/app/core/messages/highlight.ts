/** A run of a search result's text, marked when it is what the query matched. */
export interface Highlighted {
  text: string;
  mark: boolean;
}

const fold = (value: string): string => value.normalize('NFKC').toLocaleLowerCase('und');
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Marks the words of a text that a search query matched, by the groups service's rule
 * (services/groups/src/messages/search-words.ts): a query word matches a word of the text or its start.
 * The matched start is marked; the whole word when folding changed its length and the start cannot be told.
 */
export const highlight = (text: string, query: string): Highlighted[] => {
  const words = fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const runs: Highlighted[] = [];
  const push = (run: string, mark: boolean) => {
    if (!run) return;
    const last = runs.at(-1);
    if (last && last.mark === mark) last.text += run;
    else runs.push({ text: run, mark });
  };
  let from = 0;
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const folded = fold(word);
    const longest = Math.max(0, ...words.filter((q) => folded.startsWith(q)).map((q) => q.length));
    if (longest === 0) continue;
    const cut = folded.length === word.length ? longest : word.length;
    push(text.slice(from, match.index), false);
    push(word.slice(0, cut), true);
    push(word.slice(cut), false);
    from = match.index + word.length;
  }
  push(text.slice(from), false);
  return runs;
};
