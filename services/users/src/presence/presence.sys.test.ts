import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack, TestSocket } from '@messenger/kit/testing';

type Presence = { userId: string; online: boolean; lastSeenAt: string | null };

describe('presence from gateway sockets', () => {
  let stack: Stack;
  let watcher: ApiClient;
  let anna: ApiClient;
  let annaId: string;

  beforeAll(async () => {
    stack = await startTestStack('presence', {
      gateways: 2,
      replicas: { calls: 0 },
      env: { PRESENCE_GATEWAY_TTL_MS: '1500', PRESENCE_SWEEP_MS: '300', PRESENCE_HEARTBEAT_MS: '300', PRESENCE_OFFLINE_GRACE_MS: '1000' },
    });
    watcher = new ApiClient(stack.gatewayUrl(0));
    await watcher.register(`w_${randomBytes(4).toString('hex')}`, 'Watcher');
    anna = new ApiClient(stack.gatewayUrl(1));
    annaId = (await anna.register(`anna_${randomBytes(4).toString('hex')}`, 'Анна')).id;
    // Presence is for people who share a chat.
    expect((await watcher.call('POST', '/api/chats/personal', { userId: annaId })).status).toBeLessThan(300);
  });
  afterAll(async () => stack?.stop());

  const status = async () => (await watcher.call<{ items: Presence[] }>('GET', `/api/users/presence?ids=${annaId}`)).body.items[0]!;
  const eventually = async (predicate: (p: Presence) => boolean, timeoutMs = 8_000) => {
    const deadline = Date.now() + timeoutMs;
    let last = await status();
    while (!predicate(last) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      last = await status();
    }
    expect(predicate(last), JSON.stringify(last)).toBe(true);
    return last;
  };
  const connect = () => TestSocket.open(`${stack.gatewayUrl(1).replace('http', 'ws')}/ws?access_token=${anna.accessToken}`);

  it('is offline with no last-seen time before the first connection', async () => {
    expect(await status()).toEqual({ userId: annaId, online: false, lastSeenAt: null });
  });

  it('is online while any device is connected, and offline with a last-seen time after the last one closes', async () => {
    const phone = await connect();
    const laptop = await connect();
    await eventually((p) => p.online);
    await phone.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await status()).online).toBe(true);
    const before = Date.now();
    await laptop.close();
    const offline = await eventually((p) => !p.online);
    expect(Date.parse(offline.lastSeenAt!)).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('goes offline when its gateway dies without closing the socket', async () => {
    const socket = await connect();
    await eventually((p) => p.online);
    await stack.gateways[1]!.kill9();
    const offline = await eventually((p) => !p.online);
    expect(offline.lastSeenAt).not.toBeNull();
    await socket.close();
  });

  it('tells the people who share a chat, and nobody else, when someone comes online', async () => {
    const stranger = new ApiClient(stack.gatewayUrl(0));
    await stranger.register(`s_${randomBytes(4).toString('hex')}`, 'Stranger');
    await watcher.call('POST', '/api/chats/personal', { userId: annaId });
    const watching = await TestSocket.open(`${stack.gatewayUrl(0).replace('http', 'ws')}/ws?access_token=${watcher.accessToken}`);
    const strangerSocket = await TestSocket.open(`${stack.gatewayUrl(0).replace('http', 'ws')}/ws?access_token=${stranger.accessToken}`);
    await stack.gateways[1]!.restart(); // the gateway the previous test killed
    // Past the offline grace (1 s here) of the previous test's gateway death, so that offline has been told: an online
    // sooner cancels it and tells nobody anything (a blip), which is right, but not what this test watches for.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const socket = await TestSocket.open(`${stack.gatewayUrl(1).replace('http', 'ws')}/ws?access_token=${anna.accessToken}`);
    const online = await watching.next(
      (f) => f.type === 'presence' && (f.data as Presence).userId === annaId && (f.data as Presence).online,
    );
    expect(online.data).toMatchObject({ userId: annaId, online: true });
    // Only an offline after that online counts (the watcher may have heard of an earlier one).
    const heard = watching.frames.indexOf(online);
    await socket.close();
    await expect
      .poll(
        () =>
          watching.frames
            .slice(heard + 1)
            .some((f) => f.type === 'presence' && (f.data as Presence).userId === annaId && !(f.data as Presence).online),
        {
          timeout: 5_000,
        },
      )
      .toBe(true);
    expect(strangerSocket.frames.filter((f) => f.type === 'presence')).toEqual([]);
    await watching.close();
    await strangerSocket.close();
  });

  it('tells nobody about a socket that dropped and came back within the grace period (a reload)', async () => {
    const watching = await TestSocket.open(`${stack.gatewayUrl(0).replace('http', 'ws')}/ws?access_token=${watcher.accessToken}`);
    const isAnna = (f: { type: string; data: unknown }) => f.type === 'presence' && (f.data as Presence).userId === annaId;
    // Start from a settled offline: told to contacts already (past the 1 s grace), nothing pending.
    await eventually((p) => !p.online);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const first = await connect();
    await watching.next((f) => isAnna(f) && (f.data as Presence).online);
    const heard = watching.frames.length;
    await first.close();
    const again = await connect();
    // Past the grace (1 s here) and a few announcement windows: an offline would have been sent by now.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(watching.frames.slice(heard).filter(isAnna)).toEqual([]);
    expect((await status()).online).toBe(true);
    await again.close();
    await watching.next((f) => isAnna(f) && !(f.data as Presence).online);
    await watching.close();
  });

  it('tells a stranger nothing: not whether someone is online, not when they were last seen, not that they exist', async () => {
    const stranger = new ApiClient(stack.gatewayUrl(0));
    const strangerId = (await stranger.register(`x_${randomBytes(4).toString('hex')}`, 'Stranger')).id;
    const asked = await stranger.call<{ items: Presence[] }>('GET', `/api/users/presence?ids=${annaId},${strangerId}`);
    expect(asked.status).toBe(200);
    expect(asked.body.items.map((p) => p.userId)).toEqual([strangerId]);
    // Anna's contact still sees her.
    expect((await status()).userId).toBe(annaId);
  });

  it('tells a profile change to those who share a chat, and nobody else', async () => {
    const stranger = new ApiClient(stack.gatewayUrl(0));
    await stranger.register(`p_${randomBytes(4).toString('hex')}`, 'Stranger');
    const ws = (api: ApiClient) => TestSocket.open(`${stack.gatewayUrl(0).replace('http', 'ws')}/ws?access_token=${api.accessToken}`);
    const [watching, strangerSocket] = [await ws(watcher), await ws(stranger)];
    await Promise.all([watching.next((f) => f.type === 'ready'), strangerSocket.next((f) => f.type === 'ready')]);
    expect((await anna.call('PATCH', '/api/users/me', { name: 'Анна Аркадьевна' })).status).toBe(200);
    const heard = await watching.next((f) => f.type === 'user.updated');
    expect(heard.data).toMatchObject({ id: annaId, name: 'Анна Аркадьевна' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(strangerSocket.frames.filter((f) => f.type === 'user.updated')).toEqual([]);
    await watching.close();
    await strangerSocket.close();
  });

  it('refuses a malformed id list naming the field', async () => {
    const refused = await watcher.call<{ error: { details: { fields: { path: string }[] } } }>('GET', '/api/users/presence?ids=nope');
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.fields[0]?.path).toMatch(/^ids/);
  });
});
