import { connectMongo, runServiceProcess } from '@messenger/kit';
import { z } from 'zod';

// Chats, members and messages arrive with the groups issue; until then the service runs, owns its
// database and answers health, so the stack and its probes are complete.
runServiceProcess({
  name: 'groups',
  config: z.object({ MONGO_URL: z.string().startsWith('mongodb'), MONGO_DB: z.string().default('messenger_groups') }),
  imports: async (runtime) => {
    await connectMongo(runtime, runtime.config.MONGO_URL, runtime.config.MONGO_DB);
    return [];
  },
});
