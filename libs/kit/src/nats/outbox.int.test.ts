import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT, STREAMS } from '@messenger/contracts';
import { createLogger } from '../logger.js';
import { startNats, startRedis, type NatsServer, type RedisServer } from '../servers/index.js';
import { EventPublisher, ensureStream } from './events.js';
import { Outbox } from './outbox.js';

describe('the outbox, with a NATS that goes away', () => {
  let nats: NatsServer;
  let redisServer: RedisServer;
  let nc: NatsConnection;
  let redis: Redis;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    [nats, redisServer] = await Promise.all([startNats({ dataDir: join(dir, 'nats') }), startRedis({ dataDir: join(dir, 'redis') })]);
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    redis = new Redis(redisServer.url);
    await ensureStream(nc, STREAMS.groups);
  });
  afterAll(async () => {
    redis?.disconnect();
    await nc?.close();
    await Promise.all([nats?.stop(), redisServer?.stop()]);
  });

  it('keeps a fact NATS would not take, and publishes it once NATS is back, exactly once', async () => {
    const outbox = new Outbox(new EventPublisher(nc), redis, 'outbox:test', createLogger('test', 'silent'));
    await nats.stop();
    await outbox.publish(EVENT.memberRemoved, { chatId: 'c1', userIds: ['u1'] }, 'removed:c1:u1');
    expect(await redis.hkeys('outbox:test')).toEqual(['removed:c1:u1']);
    expect(await outbox.flush()).toBe(1); // still down: still kept

    await nats.restart();
    let waiting = 1;
    for (let tries = 0; tries < 50 && waiting > 0; tries++) {
      waiting = await outbox.flush();
      if (waiting) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(waiting).toBe(0);
    expect(await redis.hlen('outbox:test')).toBe(0);
    await outbox.flush();
    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage(STREAMS.groups.name, { last_by_subj: EVENT.memberRemoved });
    expect(stored!.json()).toEqual({ chatId: 'c1', userIds: ['u1'] });
    expect((await jsm.streams.info(STREAMS.groups.name)).state.messages).toBe(1);
  }, 60_000);
});
