import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack } from '@messenger/kit/testing';
import { accountModel } from './account.model.js';
import { PasswordHasher } from './password-hasher.js';

const unique = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;
const REUSE_GRACE_SECONDS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
        LOGIN_BACKOFF_BASE_SECONDS: '30',
        REFRESH_TOKEN_REUSE_GRACE_SECONDS: String(REUSE_GRACE_SECONDS),
      },
    });
  });
  afterAll(async () => stack?.stop());

  it('moves a hash made with a weaker scrypt cost to today’s at the next sign-in', async () => {
    const username = unique('old');
    await client().register(username, 'Old Hash', 'correct horse battery');
    const db = await mongoose.createConnection(stack.env.MONGO_URL!, { dbName: 'messenger_users' }).asPromise();
    const accounts = accountModel(db);
    try {
      // As an account from before the cost was raised: the same password, hashed at 2^12.
      const weak = await new PasswordHasher({ N: 2 ** 12, r: 8, p: 1 }).hash('correct horse battery');
      await accounts.updateOne({ username }, { $set: { passwordHash: weak } });
      const signedIn = await client().call('POST', '/api/auth/login', { username, password: 'correct horse battery' });
      expect(signedIn.status).toBe(200);
      const stored = (await accounts.findOne({ username }).lean())!.passwordHash;
      expect(stored.split('$')[1]).toBe(String(2 ** 15)); // the test stack's cost (PASSWORD_SCRYPT_LOG2_N)
      expect((await client().call('POST', '/api/auth/login', { username, password: 'correct horse battery' })).status).toBe(200);
    } finally {
      await db.close();
    }
  });

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

  it('rotates the refresh token on every use and revokes the family when a used one comes back after the grace period', async () => {
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

    // A thief replays the first token once the grace period is over: refused, and the whole session
    // ends, the legitimate tab's too.
    await sleep(REUSE_GRACE_SECONDS * 1000 + 300);
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

  const me = (accessToken: string) =>
    new ApiClient(stack.gatewayUrl()).call('GET', '/api/users/me', undefined, { authorization: `Bearer ${accessToken}` });

  it('lets two tabs refresh at once with one token: both get the same new token and a working access token', async () => {
    const tab = client();
    await tab.register(unique('race'), 'Race');
    const tabs = [client(), client()];
    for (const copy of tabs) copy.refreshCookie = tab.refreshCookie;
    const results = await Promise.all(tabs.map((copy) => copy.call<{ accessToken: string }>('POST', '/api/auth/refresh')));
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(tabs[0]!.refreshCookie).toBeDefined();
    expect(tabs[1]!.refreshCookie).toBe(tabs[0]!.refreshCookie);
    for (const result of results) expect((await me(result.body.accessToken)).status).toBe(200);
    // The session goes on: the shared new token refreshes again.
    expect((await tabs[1]!.call('POST', '/api/auth/refresh')).status).toBe(200);
  });

  it('answers a token presented again within the grace period with the successor already issued', async () => {
    const tab = client();
    await tab.register(unique('late'), 'Late');
    const first = tab.refreshCookie!;
    expect((await tab.call('POST', '/api/auth/refresh')).status).toBe(200);
    const late = client();
    late.refreshCookie = first;
    const again = await late.call<{ accessToken: string }>('POST', '/api/auth/refresh');
    expect(again.status).toBe(200);
    expect(late.refreshCookie).toBe(tab.refreshCookie);
    expect((await me(again.body.accessToken)).status).toBe(200);
    expect((await tab.call('POST', '/api/auth/refresh')).status).toBe(200);
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

  const login = (ip: string, username: string, password: string) => client(ip).call('POST', '/api/auth/login', { username, password });

  it('lets at most the allowed number of 40 parallel wrong passwords be checked; the rest get 429 with Retry-After', async () => {
    const username = unique('par');
    await client('10.9.1.1').register(username, 'P', 'right password 1');
    const results = await Promise.all(Array.from({ length: 40 }, () => login('10.9.1.2', username, 'nope nope')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const refused = results.find((r) => r.status === 429)!;
    expect(refused.body).toMatchObject({ error: { code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    // Locked out from this address, even with the right password.
    expect((await login('10.9.1.2', username, 'right password 1')).status).toBe(429);
  });

  it("does not lock a user out with an attacker's failures from another address", async () => {
    const username = unique('victim');
    await client('10.9.3.1').register(username, 'V', 'right password 3');
    for (let i = 0; i < 5; i++) await login('10.9.3.66', username, 'guess guess');
    expect((await login('10.9.3.66', username, 'guess guess')).status).toBe(429);
    expect((await login('10.9.3.2', username, 'right password 3')).status).toBe(200);
  });

  it("resets an address's failures for a username when it signs in", async () => {
    const username = unique('reset');
    await client('10.9.4.1').register(username, 'R', 'right password 4');
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++) expect((await login('10.9.4.2', username, 'typo typo')).status).toBe(401);
      expect((await login('10.9.4.2', username, 'right password 4')).status).toBe(200);
    }
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
