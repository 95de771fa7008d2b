import mongoose, { type Connection } from 'mongoose';
import type { ServiceRuntime } from '../service/runtime.js';
import { traceMongoCommands } from './store-tracing.js';

/**
 * The service's own MongoDB database (no service reads another's). Readiness follows the
 * connection state; the connection closes after NATS has stopped delivering requests.
 */
export const connectMongo = async (runtime: ServiceRuntime, url: string, dbName: string): Promise<Connection> => {
  const connection = mongoose.createConnection(url, {
    dbName,
    serverSelectionTimeoutMS: 10_000,
    // FerretDB (tests, local) has no retryable writes; MongoDB does not need them for single-document updates.
    retryWrites: false,
    autoIndex: true,
    monitorCommands: true,
  });
  traceMongoCommands(connection.getClient());
  await connection.asPromise();
  runtime.health.addCheck('mongo', () => connection.readyState === 1);
  runtime.onShutdown(() => connection.close());
  return connection;
};
