import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack } from '@messenger/kit/testing';

const unique = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

describe('accounts and sessions through the gateway', () => {
  let stack: Stack;
  const client = (ip?: string) => new ApiClient(stack.gatewayUrl(), ip ? { 'x-forwarded-for': ip } : {});

  beforeAll(async () => {
    stack = await startTestStack('auth', {
      replicas: { groups: 0, calls: 0 },
      env: {
        TRUST_PROXY: 'true',
        LOGIN_MAX_FAILURES_PER_USERNAME: '3',
        LOGIN_MAX_FAILURES_PER_ADDRESS: '6',
        LOGIN_THROTTLE_WINDOW_SECONDS: '60',
      },
    });
  });
  afterAll(async () => stack?.stop());

  it('registers, then signs in with the same credentials, and never returns the password hash', async () => {
    const username = unique('reg');
    const tab = client();
    const user = await tab.register(username, 'Иван Петров', 'correct horse battery');
    expect(user).toMatchObject({ username, name: 'Иван Петров' });
    expect(Object.keys(user).sort()).toEqual(['avatarUrl', 'bio', 'createdAt', 'id', 'name', 'username']);
    expect(tab.refreshCookie).toBeDefined();

    const login = await client().call<{ accessToken: string; user: { id: string } }>('POST', '/api/auth/login', {
      username,
      password: 'correct horse battery',
    });
    expect(login.status).toBe(200);
    expect(login.body.user.id).toBe(user.id);
    expect(login.headers.get('set-cookie')).toMatch(/^refresh_token=[^;]+; Path=\/api\/auth; Expires=.*; HttpOnly; SameSite=Strict$/);
  });

  it('refuses a taken username with 409, whatever its case', async () => {
    const username = unique('dup');
    await client().register(username, 'A');
    const again = await client().call('POST', '/api/auth/register', { username, name: 'B', password: 'whatever pw 1' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'USERNAME_TAKEN' } });
    const upper = await client().call('POST', '/api/auth/login', { username: username.toUpperCase(), password: 'correct horse battery' });
    expect(upper.status).toBe(200);
  });

  it('answers an unknown user and a wrong password with the same error', async () => {
    const username = unique('same');
    await client('10.9.0.1').register(username, 'A');
    const wrong = await client('10.9.0.1').call('POST', '/api/auth/login', { username, password: 'wrong password' });
    const unknown = await client('10.9.0.1').call('POST', '/api/auth/login', { username: unique('nobody'), password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('rotates the refresh token on every use and revokes the family when a used one comes back', async () => {
    const tab = client();
    await tab.register(unique('rot'), 'Rot');
    const first = tab.refreshCookie!;
    const refreshed = await tab.call<{ accessToken: string }>('POST', '/api/auth/refresh');
    expect(refreshed.status).toBe(200);
    const second = tab.refreshCookie!;
    expect(second).not.toBe(first);
    expect(
      (
        await new ApiClient(stack.gatewayUrl()).call('GET', '/api/users/me', undefined, {
          authorization: `Bearer ${refreshed.body.accessToken}`,
        })
      ).status,
    ).toBe(200);

    // A thief replays the first token: refused, and the whole session ends, the legitimate tab's too.
    const thief = client();
    thief.refreshCookie = first;
    const replay = await thief.call('POST', '/api/auth/refresh');
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: { code: 'REFRESH_TOKEN_INVALID' } });
    expect((await tab.call('POST', '/api/auth/refresh')).status).toBe(401);
  });

  it('answers a malformed refresh cookie as no sign-in (401), not as a server error', async () => {
    const forged = await client().call('POST', '/api/auth/refresh', undefined, { cookie: 'refresh_token=%E0%A4%A' });
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ error: { code: 'REFRESH_TOKEN_INVALID' } });
  });

  it('lets only one of two racing refreshes with the same token win, and treats the other as reuse', async () => {
    const tab = client();
    await tab.register(unique('race'), 'Race');
    const copies = [client(), client()];
    for (const copy of copies) copy.refreshCookie = tab.refreshCookie;
    const results = await Promise.all(copies.map((copy) => copy.call('POST', '/api/auth/refresh')));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    // The loser's presentation was a reuse: the whole family ends, the winner's new token too.
    const winner = copies[results.findIndex((r) => r.status === 200)]!;
    expect((await winner.call('POST', '/api/auth/refresh')).status).toBe(401);
  });

  it('ends the session on logout', async () => {
    const tab = client();
    await tab.register(unique('out'), 'Out');
    const token = tab.refreshCookie!;
    const logout = await tab.call('POST', '/api/auth/logout');
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/^refresh_token=; .*Expires=Thu, 01 Jan 1970/);
    const after = client();
    after.refreshCookie = token;
    expect((await after.call('POST', '/api/auth/refresh')).status).toBe(401);
  });

  it('throttles failed sign-ins per username, with Retry-After, even with the right password', async () => {
    const username = unique('thr');
    await client('10.9.1.1').register(username, 'T', 'right password 1');
    for (let i = 0; i < 3; i++)
      expect((await client(`10.9.1.${i + 2}`).call('POST', '/api/auth/login', { username, password: 'nope nope' })).status).toBe(401);
    const blocked = await client('10.9.1.9').call('POST', '/api/auth/login', { username, password: 'right password 1' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });

  it('throttles failed sign-ins per client address across usernames', async () => {
    const ip = '10.9.2.1';
    for (let i = 0; i < 6; i++) await client(ip).call('POST', '/api/auth/login', { username: unique('spray'), password: 'guess guess' });
    const username = unique('victim');
    await client('10.9.2.2').register(username, 'V', 'right password 2');
    expect((await client(ip).call('POST', '/api/auth/login', { username, password: 'right password 2' })).status).toBe(429);
    expect((await client('10.9.2.3').call('POST', '/api/auth/login', { username, password: 'right password 2' })).status).toBe(200);
  });
});
