import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { sharedInstruments } from '../metrics.js';

type MongoClient = ReturnType<Connection['getClient']>;

/** Commands the driver sends on its own (handshakes, heartbeats, auth); never part of a request. */
const MONGO_HOUSEKEEPING = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'saslStart', 'saslContinue', 'endSessions', 'buildInfo']);

/**
 * MongoDB command spans (`mongodb find messages`) from the driver's command monitoring, and a count of every
 * command (`messenger_store_commands_total`). A span is made
 * only inside a traced operation, so background loops add none. The driver runs a command in its
 * caller's async context, which is how the span finds its parent request.
 */
export const traceMongoCommands = (client: MongoClient): void => {
  const tracer = trace.getTracer('mongodb');
  const open = new Map<number, Span>();
  client.on('commandStarted', (event) => {
    if (MONGO_HOUSEKEEPING.has(event.commandName)) return;
    const target = (event.command as Record<string, unknown>)[event.commandName];
    const collection = typeof target === 'string' ? target : '';
    sharedInstruments().storeCommands.add(1, { command: event.commandName, collection });
    if (!trace.getSpan(context.active())) return;
    const span = tracer.startSpan(`mongodb ${event.commandName}${collection ? ` ${collection}` : ''}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'mongodb',
        'db.namespace': event.databaseName,
        'db.operation.name': event.commandName,
        ...(collection ? { 'db.collection.name': collection } : {}),
      },
    });
    open.set(event.requestId, span);
  });
  client.on('commandSucceeded', (event) => {
    open.get(event.requestId)?.end();
    open.delete(event.requestId);
  });
  client.on('commandFailed', (event) => {
    const span = open.get(event.requestId);
    open.delete(event.requestId);
    span?.setStatus({ code: SpanStatusCode.ERROR, message: event.failure.message });
    span?.end();
  });
};

type SendCommand = Redis['sendCommand'];

/**
 * Redis command spans (`redis hgetall`): every command, scripted ones included, goes through
 * `sendCommand`, so wrapping it on this client sees them all. Only inside a traced operation.
 */
export const traceRedisCommands = (redis: Redis): void => {
  const tracer = trace.getTracer('redis');
  const send = redis.sendCommand.bind(redis) as SendCommand;
  redis.sendCommand = ((command, stream) => {
    if (trace.getSpan(context.active())) {
      const span = tracer.startSpan(`redis ${command.name}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'db.system.name': 'redis', 'db.operation.name': command.name },
      });
      command.promise.then(
        () => span.end(),
        (error: unknown) => {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
          span.end();
        },
      );
    }
    return send(command, stream);
  }) as SendCommand;
};
