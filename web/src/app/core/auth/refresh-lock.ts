/** One name for the app: Web Locks are per origin already, and all tabs of an origin share the cookie. */
export const REFRESH_LOCK = 'messenger.auth.refresh';

/**
 * Runs a refresh while no other tab of the app runs one. The refresh cookie rotates on use and is
 * httpOnly, so a tab cannot read what another tab got; but the browser stores the rotated cookie before
 * the other tab's request settles, so a tab that waited here sends the new cookie, never the one just
 * rotated away. Without Web Locks (old browsers, plain http) tabs may still race: the server answers a
 * just-rotated token with its successor for a short grace period, so that only costs an extra request.
 */
export const underRefreshLock = async <T>(task: () => Promise<T>): Promise<T> => {
  const locks = typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
  return locks ? await locks.request(REFRESH_LOCK, task) : task();
};
