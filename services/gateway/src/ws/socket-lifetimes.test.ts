import type { WebSocket } from 'uWebSockets.js';
import { describe, expect, it } from 'vitest';
import { WS_CLOSE } from '@messenger/contracts';
import { SocketLifetimes, type SocketLife } from './socket-lifetimes.js';

/** A stand-in for a uWS socket: records how it was ended, and reports its close as uWS does (synchronously). */
const fakeSocket = (life: SocketLife, lifetimes: SocketLifetimes<SocketLife>) => {
  const ws = {
    ended: undefined as number | undefined,
    getUserData: () => life,
    end(code: number) {
      ws.ended = code;
      lifetimes.remove(ws as unknown as WebSocket<SocketLife>);
    },
  };
  lifetimes.add(ws as unknown as WebSocket<SocketLife>);
  return ws;
};

describe('SocketLifetimes', () => {
  it('closes each socket when its token runs out, and no sooner', () => {
    const lifetimes = new SocketLifetimes<SocketLife>();
    const t0 = 1_700_000_000_000;
    const soon = fakeSocket({ userId: 'a', expiresAt: t0 + 1_500 }, lifetimes);
    const later = fakeSocket({ userId: 'a', expiresAt: t0 + 60_000 }, lifetimes);
    expect(lifetimes.expire(t0 + 1_000)).toBe(0);
    expect(lifetimes.expire(t0 + 2_000)).toBe(1);
    expect(soon.ended).toBe(WS_CLOSE.tokenExpired);
    expect(later.ended).toBeUndefined();
    expect(lifetimes.size).toBe(1);
    expect(lifetimes.expire(t0 + 60_000)).toBe(1);
    expect(later.ended).toBe(WS_CLOSE.tokenExpired);
    expect(lifetimes.size).toBe(0);
  });

  it('forgets a socket that closed by itself: its expiry closes nothing', () => {
    const lifetimes = new SocketLifetimes<SocketLife>();
    const ws = fakeSocket({ userId: 'a', expiresAt: 5_000 }, lifetimes);
    lifetimes.remove(ws as unknown as WebSocket<SocketLife>);
    expect(lifetimes.expire(10_000)).toBe(0);
    expect(ws.ended).toBeUndefined();
  });

  it("ends one session's sockets, or all of a user's when no session is named, and nobody else's", () => {
    const lifetimes = new SocketLifetimes<SocketLife>();
    const phone = fakeSocket({ userId: 'a', sessionId: 's1', expiresAt: 9e12 }, lifetimes);
    const tab = fakeSocket({ userId: 'a', sessionId: 's1', expiresAt: 9e12 }, lifetimes);
    const laptop = fakeSocket({ userId: 'a', sessionId: 's2', expiresAt: 9e12 }, lifetimes);
    const other = fakeSocket({ userId: 'b', sessionId: 's1', expiresAt: 9e12 }, lifetimes);
    expect(lifetimes.endSession('a', 's1')).toBe(2);
    expect([phone.ended, tab.ended]).toEqual([WS_CLOSE.sessionEnded, WS_CLOSE.sessionEnded]);
    expect(laptop.ended).toBeUndefined();
    expect(lifetimes.endSession('a')).toBe(1);
    expect(laptop.ended).toBe(WS_CLOSE.sessionEnded);
    expect(other.ended).toBeUndefined();
  });
});
