import { runServiceProcess } from '@messenger/kit';
import { CallsConfig, CallsModule } from './calls.module.js';

runServiceProcess({
  name: 'calls',
  config: CallsConfig,
  imports: async (runtime) => [await CallsModule.create(runtime)],
});
