import type { ServiceName } from '@messenger/contracts';
import type { Stack } from '../stack/stack.js';

/** `command collection` → how many, e.g. `insert messages` → 3. */
export type StoreCommandCounts = Map<string, number>;

const LINE = /^messenger_store_commands_total\{([^}]*)\} (\d+(?:\.\d+)?)/;

/**
 * Every MongoDB command the named services' replicas have sent so far, read from their own
 * `messenger_store_commands_total` on each probe port: counted by the driver, whether a request was traced or not.
 */
export const readStoreCommands = async (stack: Stack, services: ServiceName[]): Promise<StoreCommandCounts> => {
  const counts: StoreCommandCounts = new Map();
  for (const service of services) {
    for (const replica of stack.services[service]) {
      const text = await (await fetch(`http://127.0.0.1:${replica.healthPort}/metrics`)).text();
      for (const line of text.split('\n')) {
        const match = LINE.exec(line);
        if (!match) continue;
        const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
        const key = `${labels.command} ${labels.collection}`.trim();
        counts.set(key, (counts.get(key) ?? 0) + Number(match[2]));
      }
    }
  }
  return counts;
};

/** What was sent between two readings, without the commands whose count did not move. */
export const storeCommandsBetween = (before: StoreCommandCounts, after: StoreCommandCounts): Record<string, number> =>
  Object.fromEntries(
    [...after]
      .map(([key, count]) => [key, count - (before.get(key) ?? 0)] as const)
      .filter(([, delta]) => delta > 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/**
 * The commands without the read-mark writer's flushes: read positions reach the store off the request path,
 * as coalesced inserts, whenever its timer fires, so one can land inside any window a test measures.
 */
export const withoutReadMarkFlush = (commands: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(commands).filter(([key]) => key !== 'insert read_marks'));
