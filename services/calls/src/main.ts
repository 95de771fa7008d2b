import { connectMongo, connectRedis, runServiceProcess } from '@messenger/kit';
import { z } from 'zod';

// Calls (sessions in Redis, LiveKit rooms and tokens, the call log) arrive with the calls issue; until
// then the service runs with its stores connected and answers health.
runServiceProcess({
  name: 'calls',
  config: z.object({
    MONGO_URL: z.string().startsWith('mongodb'),
    MONGO_DB: z.string().default('messenger_calls'),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be redis://host:port'),
    LIVEKIT_URL: z.string().regex(/^wss?:\/\//, 'must be ws(s)://host:port'),
    LIVEKIT_API_KEY: z.string().min(1),
    LIVEKIT_API_SECRET: z.string().min(32, 'LiveKit needs a secret of at least 32 characters'),
  }),
  imports: async (runtime) => {
    await connectMongo(runtime, runtime.config.MONGO_URL, runtime.config.MONGO_DB);
    await connectRedis(runtime, runtime.config.REDIS_URL);
    return [];
  },
});
