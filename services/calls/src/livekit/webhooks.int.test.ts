import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@messenger/kit';
import { startRedis, type RedisServer } from '@messenger/kit/servers';
import type { MediaEvents } from './media-events.js';
import { LiveKitWebhooks } from './webhooks.js';

const KEY = 'devkey';
const SECRET = 's'.repeat(40);

const signed = async (body: string) => {
  const token = new AccessToken(KEY, SECRET);
  token.sha256 = createHash('sha256').update(body).digest('base64');
  return token.toJwt();
};

describe('LiveKit webhooks: the claim on an event', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis({ dataDir: mkdtempSync(join(tmpdir(), 'webhooks-')) });
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('is released when handling fails, so LiveKit’s retry is handled; a handled event stays claimed', async () => {
    const seen: string[] = [];
    let failNext = true;
    // Only the handler's outcome matters here; the media events have their own tests.
    const media = {
      left: async (room: string, identity: string, seat: string | undefined) => {
        seen.push(`${room}/${identity}/${seat}`);
        if (failNext) {
          failNext = false;
          throw new Error('store hiccup');
        }
      },
    } as unknown as MediaEvents;
    const hooks = new LiveKitWebhooks(KEY, SECRET, redis, media, createLogger('test', 'silent'));
    const body = JSON.stringify({
      event: 'participant_left',
      id: `EV_${Date.now()}`,
      createdAt: String(Math.floor(Date.now() / 1000)),
      room: { name: 'c_room' },
      participant: { identity: 'u1', metadata: JSON.stringify({ seat: 'seat-1' }) },
    });
    const auth = await signed(body);
    await expect(hooks.receive(body, auth)).rejects.toThrow('store hiccup');
    expect(await hooks.receive(body, auth)).toEqual({ handled: true });
    expect(await hooks.receive(body, auth)).toEqual({ handled: false });
    expect(seen).toEqual(['c_room/u1/seat-1', 'c_room/u1/seat-1']);
  });
});
