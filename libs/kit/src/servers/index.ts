export * from './tools.js';
export * from './ports.js';
export * from './wait-for.js';
export * from './managed-process.js';
export * from './nats-server.js';
export * from './redis-server.js';
export * from './ferretdb.js';
export * from './livekit-server.js';
