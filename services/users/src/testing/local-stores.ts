import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import { startFerretDb, startRedis } from '@messenger/kit/servers';

/** Commands the driver sends by itself (handshakes, heartbeats), never on behalf of the code under test. */
const HOUSEKEEPING = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'saslStart', 'saslContinue', 'endSessions', 'buildInfo']);

/**
 * Real Redis and FerretDB for integration tests of this service's repositories, with every store
 * command recorded (`find accounts`), so a test can say which paths touch the store and how often.
 */
export const startLocalStores = async (name: string) => {
  const dataDir = mkdtempSync(join(tmpdir(), `${name}-`));
  const [redisServer, mongoServer] = await Promise.all([
    startRedis({ dataDir: join(dataDir, 'redis') }),
    startFerretDb({ dataDir: join(dataDir, 'ferretdb') }),
  ]);
  const redis = new Redis(redisServer.url);
  const db: Connection = await mongoose
    .createConnection(mongoServer.url, { dbName: 'messenger_users', retryWrites: false, monitorCommands: true })
    .asPromise();
  const storeCommands: string[] = [];
  db.getClient().on('commandStarted', (event) => {
    if (HOUSEKEEPING.has(event.commandName)) return;
    const target = (event.command as Record<string, unknown>)[event.commandName];
    storeCommands.push(typeof target === 'string' ? `${event.commandName} ${target}` : event.commandName);
  });
  return {
    redis,
    db,
    storeCommands,
    /** Waits for the indexes models build by themselves, so they are not counted as a test's commands. */
    settle: async () => {
      await Promise.all(db.modelNames().map((model) => db.model(model).init()));
      storeCommands.length = 0;
    },
    stop: async () => {
      redis.disconnect();
      await db.close();
      await Promise.all([redisServer.stop(), mongoServer.stop()]);
    },
  };
};
