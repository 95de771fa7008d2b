import { Redis } from 'ioredis';
import type { ServiceRuntime } from '../service/runtime.js';
import { traceRedisCommands } from './store-tracing.js';

/** A Redis client that reconnects by itself; readiness follows its state. */
export const connectRedis = async (runtime: ServiceRuntime, url: string): Promise<Redis> => {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  traceRedisCommands(redis);
  redis.on('error', (error: Error) => runtime.logger.warn({ err: error.message }, 'redis error'));
  await redis.connect();
  runtime.health.addCheck('redis', () => redis.status === 'ready');
  runtime.onShutdown(async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  return redis;
};
