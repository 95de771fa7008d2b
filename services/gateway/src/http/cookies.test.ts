import { describe, expect, it } from 'vitest';
import { clearedRefreshCookie, readCookie, refreshCookie } from './cookies.js';

describe('refresh cookie', () => {
  it('is httpOnly, SameSite=Strict, scoped to /api/auth and Secure when asked', () => {
    const cookie = refreshCookie('tok en', new Date('2030-01-01T00:00:00Z'), true);
    expect(cookie).toContain('refresh_token=tok%20en');
    expect(cookie).toContain('Path=/api/auth');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('Expires=Tue, 01 Jan 2030 00:00:00 GMT');
    expect(refreshCookie('t', new Date(), false)).not.toContain('Secure');
  });

  it('reads one cookie among several and ignores look-alikes', () => {
    expect(readCookie('a=1; refresh_token=x%2Fy; b=2', 'refresh_token')).toBe('x/y');
    expect(readCookie('my_refresh_token=z', 'refresh_token')).toBeUndefined();
    expect(readCookie('', 'refresh_token')).toBeUndefined();
  });

  it('takes a value that is not valid percent-encoding as no cookie, never as an error', () => {
    expect(readCookie('refresh_token=%E0%A4%A', 'refresh_token')).toBeUndefined();
    expect(readCookie('a=%; refresh_token=ok', 'refresh_token')).toBe('ok');
  });

  it('is cleared with an expiry in the past', () => {
    expect(clearedRefreshCookie(false)).toMatch(/^refresh_token=; Path=\/api\/auth; Expires=Thu, 01 Jan 1970/);
  });
});
