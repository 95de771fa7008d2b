import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, errors, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterSubject, EVENT, STREAMS, type EventSubject } from '@messenger/contracts';
import { createLogger } from '../logger.js';
import { natsLoginOptions } from '../nats/connect.js';
import { consumeEvents, MAX_DELIVERIES } from '../nats/consumer.js';
import { ensureStream, EventPublisher } from '../nats/events.js';
import { NATS_PERMISSIONS, NATS_USERS, startNats, type NatsServer, type NatsUser } from './index.js';

// What the system tests do not reach: a fact that fails every delivery and is dead-lettered, with each consumer's
// own login; and that a service cannot write another service's facts either.

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return check();
};

describe('the NATS permission map on a real server', () => {
  let server: NatsServer;
  let admin: NatsConnection;
  const logins: NatsConnection[] = [];
  const logger = createLogger('test', 'silent');

  /** A connection as `user`, with the operations the server refused it. */
  const login = async (user: NatsUser) => {
    const nc = await connect({ servers: server.url, ...natsLoginOptions({ NATS_USER: user, NATS_PASSWORD: `pw-${user}` }) });
    logins.push(nc);
    const refused: InstanceType<typeof errors.PermissionViolationError>[] = [];
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'error' && status.error instanceof errors.PermissionViolationError) refused.push(status.error);
      }
    })();
    return { nc, refused };
  };

  beforeAll(async () => {
    server = await startNats({
      dataDir: mkdtempSync(join(tmpdir(), 'nats-permissions-')),
      users: [
        { user: 'admin', password: '"pw-admin"' },
        ...NATS_USERS.map((user) => ({ user, password: `"pw-${user}"`, permissions: NATS_PERMISSIONS[user] })),
      ],
    });
    admin = await connect({ servers: server.url, user: 'admin', pass: 'pw-admin' });
  });
  afterAll(async () => {
    for (const nc of logins) await nc.close();
    await admin?.close();
    await server?.stop();
  });

  it.each([
    ['groups', 'calls', STREAMS.calls, EVENT.callEnded],
    ['calls', 'groups', STREAMS.groups, EVENT.memberRemoved],
    ['calls', 'calls', STREAMS.calls, EVENT.callEnded],
  ] as const)('lets %s read the %s facts and dead-letter one it cannot handle', async (reader, owner, stream, subject) => {
    const writer = await login(owner);
    await ensureStream(writer.nc, stream);
    const consumer = await login(reader);
    const durable = `${reader}-test-${owner}`;
    const running = await consumeEvents(consumer.nc, logger, {
      stream: stream.name,
      durable,
      subjects: [subject as EventSubject],
      retryDelayMs: () => 10,
      handle: () => Promise.reject(new Error('cannot handle this one')),
    });
    const payload =
      subject === EVENT.memberRemoved
        ? { chatId: 'c1', userIds: ['u1'] }
        : {
            call: {
              id: 'c_0123456789abcdef',
              chatId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
              chatType: 'group',
              type: 'audio',
              status: 'ended',
              initiatorId: 'bbbbbbbbbbbbbbbbbbbbbbbb',
              participants: [],
              invited: [],
              createdAt: new Date().toISOString(),
              answeredAt: null,
              endedAt: new Date().toISOString(),
              endReason: 'hangup',
            },
            durationSeconds: 1,
          };
    await new EventPublisher(writer.nc).publish(subject, payload as never, `${durable}-1`);
    const jsm = await jetstreamManager(admin);
    const deadSubject = deadLetterSubject(durable, subject);
    const dead = async () =>
      (await jsm.streams.getMessage(STREAMS.deadLetters.name, { last_by_subj: deadSubject }).catch(() => null)) !== null;
    expect(await until(dead, 15_000), `${deadSubject} after ${MAX_DELIVERIES} deliveries`).toBe(true);
    running.stop();
    expect([...writer.refused, ...consumer.refused].map((e) => `${e.operation} ${e.subject}`)).toEqual([]);
  });

  it.each([
    ['users', EVENT.memberRemoved],
    ['users', EVENT.callStarted],
    ['groups', EVENT.userUpdated],
    ['groups', EVENT.callEnded],
    ['calls', EVENT.chatDeleted],
    ['calls', EVENT.userRegistered],
  ] as const)("refuses %s writing another service's fact (%s)", async (user, subject) => {
    const { nc, refused } = await login(user);
    nc.publish(subject, '{}');
    await nc.flush();
    expect(await until(() => refused.some((e) => e.operation === 'publish' && e.subject === subject))).toBe(true);
  });
});
