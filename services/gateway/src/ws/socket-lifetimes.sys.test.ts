import { randomBytes, randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WS_CLOSE } from '@messenger/contracts';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack, TestSocket } from '@messenger/kit/testing';

const until = async (check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return check();
};

describe('a socket ends with its session', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack('socket-life', { gateways: 2, replicas: { groups: 0, calls: 0 } });
  });
  afterAll(async () => stack?.stop());

  const socket = (gateway: number, token: string) =>
    TestSocket.open(`${stack.gatewayUrl(gateway).replace('http', 'ws')}/ws?access_token=${encodeURIComponent(token)}`);

  it('closes every socket of a signed-out session on every gateway, and no other session’s', async () => {
    const username = `so_${randomBytes(3).toString('hex')}`;
    const phone = new ApiClient(stack.gatewayUrl());
    await phone.register(username, 'Phone');
    const laptop = new ApiClient(stack.gatewayUrl(1));
    const signedIn = await laptop.call<{ accessToken: string }>('POST', '/api/auth/login', { username, password: 'correct horse battery' });
    expect(signedIn.status).toBe(200);
    laptop.accessToken = signedIn.body.accessToken;

    const [phoneHere, phoneThere, laptopThere] = await Promise.all([
      socket(0, phone.accessToken!),
      socket(1, phone.accessToken!),
      socket(1, laptop.accessToken),
    ]);
    await Promise.all([phoneHere, phoneThere, laptopThere].map((s) => s.next((f) => f.type === 'ready')));
    expect((await phone.call('POST', '/api/auth/logout')).status).toBe(204);
    expect(await until(() => !!phoneHere.closed && !!phoneThere.closed, 3_000)).toBe(true);
    expect([phoneHere.closed?.code, phoneThere.closed?.code]).toEqual([WS_CLOSE.sessionEnded, WS_CLOSE.sessionEnded]);
    // The laptop's sign-in goes on: its socket stays and still answers.
    laptopThere.send({ type: 'ping' });
    await laptopThere.next((f) => f.type === 'pong');
    expect(laptopThere.closed).toBeUndefined();
    await laptopThere.close();
  });

  it('closes a socket when the access token it opened with runs out, and keeps one whose token is still good', async () => {
    const user = await new ApiClient(stack.gatewayUrl()).register(`ex_${randomBytes(3).toString('hex')}`, 'Expiring');
    const key = await importPKCS8(stack.keys.privateKeyPem, 'EdDSA');
    const mint = (seconds: number) =>
      new SignJWT({ sid: randomUUID() })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer(stack.env.JWT_ISSUER ?? 'messenger')
        .setAudience(stack.env.JWT_AUDIENCE ?? 'messenger')
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
        .sign(key);
    const [short, long] = await Promise.all([socket(0, await mint(2)), socket(1, await mint(600))]);
    await Promise.all([short.next((f) => f.type === 'ready'), long.next((f) => f.type === 'ready')]);
    expect(await until(() => !!short.closed, 6_000)).toBe(true);
    expect(short.closed?.code).toBe(WS_CLOSE.tokenExpired);
    expect(long.closed).toBeUndefined();
    await long.close();
  });
});
