import { ServiceError } from '@messenger/kit';

/** Where a page ended: the rank bucket and the last username returned from it. */
export interface SearchCursor {
  rank: 0 | 1 | 2;
  username: string;
}

export const encodeCursor = (cursor: SearchCursor): string =>
  Buffer.from(JSON.stringify([cursor.rank, cursor.username])).toString('base64url');

export const decodeCursor = (value: string): SearchCursor => {
  try {
    const [rank, username] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as [unknown, unknown];
    if ((rank === 0 || rank === 1 || rank === 2) && typeof username === 'string') return { rank, username };
  } catch {
    // falls through to the error below
  }
  throw new ServiceError('VALIDATION_FAILED', 'invalid cursor', {
    fields: [{ path: 'cursor', location: 'query', message: 'not a cursor from this search' }],
  });
};
