import type { UserSummary } from '@messenger/contracts';
import type { AccountDoc } from '../accounts/account.model.js';
import type { AccountsRepository } from '../accounts/accounts.repository.js';
import { nameWords } from '../accounts/account.model.js';
import { mapUserSummary } from '../accounts/user.mapper.js';
import { decodeCursor, encodeCursor, type SearchCursor } from './search-cursor.js';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const USERNAME_CHARS = /^[a-z0-9_]+$/;
/** The most name batches one request reads: each is a store query, and the answer must come in bounded time. */
export const NAME_BATCHES = 5;

interface Ranked {
  rank: SearchCursor['rank'];
  account: AccountDoc;
}

/**
 * People search for the member picker, ranked: the exact username, then usernames starting with
 * the query, then people with a name word starting with it; each bucket in username order, so a
 * cursor (bucket, last username) pages through without gaps or repeats. Works without text
 * indexes or collation (FerretDB): usernames are lowercase by rule, names are kept as lowercase words.
 */
export class SearchService {
  constructor(private readonly accounts: AccountsRepository) {}

  async search(
    callerId: string,
    input: { q: string; limit: number; cursor?: string },
  ): Promise<{ items: UserSummary[]; nextCursor: string | null }> {
    const query = input.q.trim().toLowerCase();
    const words = nameWords(query);
    const start = input.cursor ? decodeCursor(input.cursor) : undefined;
    const want = input.limit + 1; // one extra tells whether there is a next page
    const found: Ranked[] = [];
    const afterIn = (rank: SearchCursor['rank']) => (start && start.rank === rank ? start.username : undefined);
    const reached = (rank: SearchCursor['rank']) => !start || start.rank <= rank;
    const usernameQuery = USERNAME_CHARS.test(query);

    if (usernameQuery && reached(0) && afterIn(0) === undefined) {
      const exact = await this.accounts.findByUsername(query);
      if (exact && exact._id.toHexString() !== callerId) found.push({ rank: 0, account: exact });
    }
    if (usernameQuery && reached(1) && found.length < want) {
      const rows = await this.accounts.findByUsernamePrefix(escapeRegex(query), {
        after: afterIn(1) ?? query,
        limit: want - found.length,
        excludeId: callerId,
      });
      found.push(...rows.map((account) => ({ rank: 1 as const, account })));
    }
    // Where reading stopped before the page filled: a query that matches many names but few people (`a zzzzz`)
    // reads at most NAME_BATCHES batches, then answers what it has with a cursor to go on from there.
    let stoppedAt: string | undefined;
    if (words.length && reached(2) && found.length < want) {
      let after = afterIn(2);
      // Name matches already listed by username are skipped, so read in batches until the page fills.
      for (let batch = 1; ; batch++) {
        const batchSize = Math.max(want - found.length, 20);
        const rows = await this.accounts.findByNameWordPrefix(escapeRegex(words[0]!), {
          ...(after !== undefined ? { after } : {}),
          limit: batchSize,
          excludeId: callerId,
        });
        for (const account of rows) {
          const everyWord = words.every((word) => account.nameWords.some((nameWord) => nameWord.startsWith(word)));
          const listedByUsername = usernameQuery && account.username.startsWith(query);
          if (everyWord && !listedByUsername && found.length < want) found.push({ rank: 2, account });
        }
        if (rows.length < batchSize || found.length >= want) break;
        after = rows[rows.length - 1]!.username;
        if (batch === NAME_BATCHES) {
          stoppedAt = after;
          break;
        }
      }
    }

    const page = found.slice(0, input.limit);
    const last = page[page.length - 1];
    const nextCursor =
      found.length > input.limit && last
        ? encodeCursor({ rank: last.rank, username: last.account.username })
        : stoppedAt !== undefined
          ? encodeCursor({ rank: 2, username: stoppedAt })
          : null;
    return { items: page.map((entry) => mapUserSummary(entry.account)), nextCursor };
  }
}
