import { describe, expect, it } from 'vitest';
import { RATE_LIMITS, rateLimitsFrom } from './rate-limits.js';
import type { RouteContract } from './route.js';
import { ROUTES as TYPED_ROUTES } from './routes.js';

const ROUTES: readonly RouteContract[] = TYPED_ROUTES;

describe('rate limits', () => {
  it('keeps the defaults unless overridden, and overrides only the named ones', () => {
    expect(rateLimitsFrom(undefined)).toEqual(RATE_LIMITS);
    const limits = rateLimitsFrom(' send=5/1 , register=2/60');
    expect(limits.send).toEqual({ points: 5, seconds: 1, by: 'user' });
    expect(limits.register).toEqual({ points: 2, seconds: 60, by: 'address' });
    expect(limits.search).toEqual(RATE_LIMITS.search);
  });

  it.each(['send', 'send=5', 'sned=5/1', 'send=0/10', 'send=5/0', 'send=-1/5'])('refuses "%s"', (value) => {
    expect(() => rateLimitsFrom(value)).toThrow(/RATE_LIMITS/);
  });

  it('counts by address only on routes used before signing in, where there is no user to count', () => {
    for (const route of ROUTES.filter((r) => r.limit)) {
      expect(RATE_LIMITS[route.limit!].by, route.path).toBe(route.auth === 'none' ? 'address' : 'user');
    }
  });

  it('limits every route class where spam is possible', () => {
    const limited = (method: string, path: string) => ROUTES.find((r) => r.method === method && r.path === path)?.limit;
    expect(limited('POST', '/api/chats/:chatId/messages')).toBe('send');
    expect(limited('POST', '/api/auth/register')).toBe('register');
    expect(limited('POST', '/api/chats')).toBe('createChat');
    expect(limited('POST', '/api/chats/personal')).toBe('createChat');
    expect(limited('POST', '/api/chats/:chatId/members')).toBe('addMembers');
    expect(limited('GET', '/api/users/search')).toBe('search');
    expect(limited('GET', '/api/users/presence')).toBe('presence');
    expect(limited('PUT', '/api/users/me/avatar')).toBe('avatar');
    expect(limited('PUT', '/api/chats/:chatId/avatar')).toBe('avatar');
    expect(limited('POST', '/api/calls/:callId/participants/:userId/ring')).toBe('ring');
    expect(limited('PUT', '/api/calls/:callId/hand')).toBe('hand');
    expect(limited('DELETE', '/api/calls/:callId/hand')).toBe('hand');
  });
});
