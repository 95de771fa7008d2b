import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePush, PUSH_SUBJECT } from '@messenger/contracts';
import type { Stack } from '@messenger/kit/stack';
import { startTestStack, TestSocket } from '@messenger/kit/testing';

describe('resilience: graceful stop and slow sockets', () => {
  let stack: Stack;
  let nats: NatsConnection;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    stack = await startTestStack('resilience', {
      replicas: { users: 2, groups: 0, calls: 0 },
      env: { WS_MAX_BACKPRESSURE_BYTES: '65536' },
    });
    nats = await connect(stack.natsLogin());
    const response = await fetch(`${stack.gatewayUrl()}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `bo_${randomBytes(3).toString('hex')}`, name: 'Bo', password: 'long enough pw' }),
    });
    ({
      accessToken: token,
      user: { id: userId },
    } = (await response.json()) as { accessToken: string; user: { id: string } });
  });

  afterAll(async () => {
    await nats?.close();
    await stack?.stop();
  });

  it('loses no request while a replica is stopped gracefully under steady load', async () => {
    const statuses: number[] = [];
    let running = true;
    const load = (async () => {
      while (running) {
        const batch = await Promise.all(
          Array.from({ length: 10 }, () =>
            fetch(`${stack.gatewayUrl()}/api/users/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status),
          ),
        );
        statuses.push(...batch);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stack.services.users[0]!.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    running = false;
    await load;
    expect(statuses.length).toBeGreaterThan(50);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    await stack.services.users[0]!.restart();
  });

  it('closes a socket that stops reading once its send buffer passes the limit', async () => {
    const socket = await TestSocket.open(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${token}`);
    await socket.next((f) => f.type === 'ready');
    // Stop reading at the TCP level, as a stalled phone would.
    (socket.ws as unknown as { _socket: Socket })._socket.pause();
    // 32 MB: more than loopback's kernel buffers can absorb, so the gateway's own buffer must fill.
    const frame = JSON.stringify({ type: 'user.updated', data: { filler: 'x'.repeat(64 * 1024) } });
    for (let i = 0; i < 500; i++) nats.publish(PUSH_SUBJECT, encodePush([userId], frame));
    await nats.flush();
    (socket.ws as unknown as { _socket: Socket })._socket.resume();
    const deadline = Date.now() + 10_000;
    while (!socket.closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(socket.closed).toBeDefined();
    // Far fewer than all 500 frames were ever queued for it.
    expect(socket.frames.filter((f) => f.type === 'user.updated').length).toBeLessThan(500);
  });
});
