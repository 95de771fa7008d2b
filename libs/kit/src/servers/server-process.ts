import { spawnManaged, type ManagedProcess } from './managed-process.js';
import { toolPath } from './tools.js';
import { spawnInContainer } from './container-process.js';

/** The servers the stack and the integration tests run: the same programs, as processes or in containers. */
export type ServerTool = 'nats-server' | 'redis-server' | 'ferretdb' | 'livekit-server';

/**
 * Starts one of the real servers with these arguments. By default it is a local process from the tool bootstrap.
 * With TEST_INFRA=containers it runs in a container through testcontainers (container-process.ts): the same
 * arguments, ports and data folders, so every caller and every test is the same in both modes.
 */
export const spawnServer = async (
  tool: ServerTool,
  args: string[],
  options: { log?: (line: string) => void } = {},
): Promise<ManagedProcess> => {
  if (process.env.TEST_INFRA === 'containers') return spawnInContainer(tool, args, options);
  if (process.env.TEST_INFRA && process.env.TEST_INFRA !== 'processes') {
    throw new Error(`TEST_INFRA=${process.env.TEST_INFRA}: expected processes (the default) or containers`);
  }
  return spawnManaged(tool, toolPath(tool), args, options.log ? { log: options.log } : {});
};
