/**
 * What the edge (the gateway) needs of kit, and nothing that loads NestJS, mongoose, ioredis or sharp: the gateway
 * holds every socket, so what its process carries at start is paid by every replica before any socket exists.
 * `edge.test.ts` fails if one of those gets in.
 */
export * from './config.js';
export * from './logger.js';
export * from './telemetry.js';
export * from './metrics.js';
export * from './field-issues.js';
export * from './nats/connect.js';
export * from './nats/requester.js';
export * from './service/health-server.js';
