import { runServiceProcess } from '@messenger/kit';
import { GroupsConfig, GroupsModule } from './groups.module.js';

runServiceProcess({
  name: 'groups',
  config: GroupsConfig,
  imports: async (runtime) => [await GroupsModule.create(runtime)],
});
