import { runServiceProcess } from '@messenger/kit';
import { UsersConfig } from './config.js';
import { UsersModule } from './users.module.js';

runServiceProcess({
  name: 'users',
  config: UsersConfig,
  imports: async (runtime) => [await UsersModule.create(runtime)],
});
