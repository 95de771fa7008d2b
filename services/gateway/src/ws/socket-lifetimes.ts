import type { WebSocket } from 'uWebSockets.js';
import { WS_CLOSE } from '@messenger/contracts';

/** What a socket's lifetime depends on: whose it is, which sign-in opened it, and when its token runs out. */
export interface SocketLife {
  userId: string;
  sessionId?: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * Every open socket of this gateway, and when each must end. A socket lives no longer than the access token it
 * opened with (the client reconnects with a fresh one), and no longer than its session (logout, here or on any
 * device). Sockets are kept in one-second buckets by expiry, so a tick closes what is due without a timer per
 * socket; ending a session walks every socket, which is rare next to opening and closing them.
 */
export class SocketLifetimes<T extends SocketLife> {
  private readonly all = new Set<WebSocket<T>>();
  private readonly byExpiry = new Map<number, Set<WebSocket<T>>>();

  get size(): number {
    return this.all.size;
  }

  add(ws: WebSocket<T>): void {
    this.all.add(ws);
    const second = Math.ceil(ws.getUserData().expiresAt / 1000);
    let bucket = this.byExpiry.get(second);
    if (!bucket) this.byExpiry.set(second, (bucket = new Set()));
    bucket.add(ws);
  }

  remove(ws: WebSocket<T>): void {
    this.all.delete(ws);
    const second = Math.ceil(ws.getUserData().expiresAt / 1000);
    const bucket = this.byExpiry.get(second);
    bucket?.delete(ws);
    if (bucket?.size === 0) this.byExpiry.delete(second);
  }

  /** Closes the sockets whose token has run out by `now`; returns how many. */
  expire(now = Date.now()): number {
    let closed = 0;
    for (const [second, bucket] of this.byExpiry) {
      if (second * 1000 > now) continue;
      for (const ws of [...bucket]) {
        ws.end(WS_CLOSE.tokenExpired, 'access token expired');
        closed += 1;
      }
      this.byExpiry.delete(second);
    }
    return closed;
  }

  /** Closes the user's sockets of one session, or all of them when no session is named; returns how many. */
  endSession(userId: string, sessionId?: string): number {
    const ending = [...this.all].filter((ws) => {
      const life = ws.getUserData();
      return life.userId === userId && (sessionId === undefined || life.sessionId === sessionId);
    });
    for (const ws of ending) ws.end(WS_CLOSE.sessionEnded, 'session ended');
    return ending.length;
  }

  /** Closes every socket (shutdown). */
  endAll(code: number, reason: string): void {
    for (const ws of [...this.all]) ws.end(code, reason);
  }
}
