import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT, STREAMS, deadLetterSubject } from '@messenger/contracts';
import { createLogger } from '../logger.js';
import { startNats, type NatsServer } from '../servers/index.js';
import { consumeEvents, MAX_DELIVERIES } from './consumer.js';
import { EventPublisher, ensureStream } from './events.js';

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return check();
};

describe('durable facts on a real JetStream', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  const logger = createLogger('test', 'silent');

  beforeAll(async () => {
    server = await startNats({ dataDir: mkdtempSync(join(tmpdir(), 'consumer-')) });
    nc = await connect({ servers: server.url });
    await ensureStream(nc, STREAMS.groups);
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it(`moves a fact that fails ${MAX_DELIVERIES} times to the dead-letter stream, with why, and goes on with the next`, async () => {
    const seen: string[] = [];
    const consumer = await consumeEvents(nc, logger, {
      stream: STREAMS.groups.name,
      durable: 'test-dead',
      subjects: [EVENT.memberRemoved],
      retryDelayMs: () => 10,
      handle: async (_subject, payload) => {
        seen.push(payload.chatId);
        if (payload.chatId === 'poison') throw new Error('cannot handle this one');
      },
    });
    const events = new EventPublisher(nc);
    await events.publish(EVENT.memberRemoved, { chatId: 'poison', userIds: ['u1'] }, 'poison-1');
    await events.publish(EVENT.memberRemoved, { chatId: 'fine', userIds: ['u2'] }, 'fine-1');
    expect(await until(() => seen.filter((id) => id === 'poison').length >= MAX_DELIVERIES && seen.includes('fine'))).toBe(true);

    const jsm = await jetstreamManager(nc);
    expect(await until(async () => (await jsm.streams.info(STREAMS.deadLetters.name)).state.messages === 1)).toBe(true);
    const dead = await jsm.streams.getMessage(STREAMS.deadLetters.name, {
      last_by_subj: deadLetterSubject('test-dead', EVENT.memberRemoved),
    });
    expect(dead!.json()).toEqual({ chatId: 'poison', userIds: ['u1'] });
    expect(dead!.header.get('x-dead-error')).toBe('cannot handle this one');
    // Handled for good: nothing left pending, and it is not delivered again.
    expect(await until(async () => (await jsm.consumers.info(STREAMS.groups.name, 'test-dead')).num_pending === 0)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.filter((id) => id === 'poison')).toHaveLength(MAX_DELIVERIES);
    consumer.stop();
  });

  it('acknowledges a fact whose handling succeeds on a later try, and dead-letters nothing', async () => {
    let tries = 0;
    const consumer = await consumeEvents(nc, logger, {
      stream: STREAMS.groups.name,
      durable: 'test-retry',
      subjects: [EVENT.chatDeleted],
      retryDelayMs: () => 10,
      handle: async () => {
        tries += 1;
        if (tries < 3) throw new Error('store hiccup');
      },
    });
    await new EventPublisher(nc).publish(EVENT.chatDeleted, { chatId: 'c1', memberIds: [] }, 'deleted-c1');
    const jsm = await jetstreamManager(nc);
    expect(
      await until(async () => tries === 3 && (await jsm.consumers.info(STREAMS.groups.name, 'test-retry')).num_ack_pending === 0),
    ).toBe(true);
    expect((await jsm.streams.info(STREAMS.deadLetters.name)).state.messages).toBe(1); // the first test's only
    consumer.stop();
  });
});
