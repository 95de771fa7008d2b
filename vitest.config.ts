import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// One runner for the whole repo. Node-side tests are split by what they need: `unit` (nothing),
// `integration` (real NATS/Redis/FerretDB/LiveKit from the shared harness) and `system` (the built
// services and gateways as processes), and `compose` (docker-compose.yml in Docker). The Angular app runs its own Vitest through `ng test`.
// SWC compiles the tests so NestJS decorators keep their metadata, as tsc does for the build.
const swcPlugin = () =>
  swc.vite({
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
  });

const shared = { environment: 'node' as const, exclude: ['**/node_modules/**', '**/dist/**', 'web/**'] };

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [swcPlugin()],
        test: {
          ...shared,
          name: 'unit',
          include: ['{libs,services,scripts,load}/**/*.test.ts'],
          exclude: [...shared.exclude, '**/*.int.test.ts', '**/*.sys.test.ts'],
        },
      },
      {
        plugins: [swcPlugin()],
        test: {
          ...shared,
          name: 'integration',
          include: ['{libs,services,deploy}/**/*.int.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        plugins: [swcPlugin()],
        test: {
          ...shared,
          name: 'system',
          include: ['{services,e2e,deploy,load}/**/*.sys.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // docker-compose.yml run in Docker (deploy/compose/compose-stack.ts); `npm test` runs it after the rest.
        plugins: [swcPlugin()],
        test: {
          ...shared,
          name: 'compose',
          include: ['deploy/compose/**/*.compose.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
