import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HEAVY = /\/node_modules\/(@nestjs\/[^/]+|mongoose|mongodb|ioredis|sharp|rate-limiter-flexible)\//;

/**
 * Every file a fresh Node process loads while importing `entry` (built kit, as the services run it): ES modules as a
 * resolve hook sees them, CommonJS ones from require's cache (a CommonJS `require` passes no ES hook).
 */
const HOOK = `export async function initialize({ port }) { globalThis.port = port; }
export async function resolve(specifier, context, next) { const found = await next(specifier, context); globalThis.port.postMessage(found.url); return found; }`;
const loadedBy = (entry: string): string[] => {
  const script = `
    import { createRequire, register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const esm = [];
    port1.on('message', (url) => esm.push(url));
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}), import.meta.url, { data: { port: port2 }, transferList: [port2] });
    await import(${JSON.stringify(entry)});
    await new Promise((resolve) => setTimeout(resolve, 200));
    port1.close();
    process.stdout.write(JSON.stringify([...esm, ...Object.keys(createRequire(import.meta.url).cache)]));
  `;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dirname(fileURLToPath(import.meta.url)),
      encoding: 'utf8',
    }),
  ) as string[];
};
const heavyLoadedBy = (entry: string): string[] =>
  [
    ...new Set(
      loadedBy(entry)
        .map((file) => HEAVY.exec(file)?.[1])
        .filter((name): name is string => Boolean(name)),
    ),
  ].sort();

describe("kit's edge entry", () => {
  it('loads none of NestJS, mongoose, ioredis or sharp', () => {
    expect(heavyLoadedBy('@messenger/kit/edge')).toEqual([]);
  });

  it('(the whole kit does, so the check above can tell)', () => {
    expect(heavyLoadedBy('@messenger/kit')).toEqual(expect.arrayContaining(['@nestjs/core', 'ioredis', 'mongoose', 'sharp']));
  });
});
