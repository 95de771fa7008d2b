import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The history benchmark in smoke mode (4 000 messages in 40 chats): the seed, the restart and both kinds of page
// must work, recent pages without the store and an old page with exactly one query.

const dir = mkdtempSync(join(tmpdir(), 'load-history-smoke-'));
const resultsFile = join(dir, 'RESULTS.md');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rowsOf = (text: string): Record<string, string>[] => {
  const lines = text.split('\n').filter((line) => line.startsWith('| '));
  const cells = (line: string) =>
    line
      .slice(2, -2)
      .split(/(?<!\\) \| /)
      .map((c) => c.trim());
  const [header, , ...body] = lines;
  const columns = cells(header!);
  return body.map((line) => Object.fromEntries(cells(line).map((value, i) => [columns[i], value])));
};

describe('load: history (smoke)', () => {
  it('serves recent pages from Redis and an old page with one store query, after seeding and a restart', () => {
    const run = spawnSync(process.execPath, ['load/history/run.mjs'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, LOAD_SMOKE: '1', LOAD_RESULTS: resultsFile },
      encoding: 'utf8',
      timeout: 280_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const rows = rowsOf(readFileSync(resultsFile, 'utf8'));
    const recent = rows.find((r) => r.request!.startsWith('recent page'))!;
    const old = rows.find((r) => r.request!.startsWith('old page'))!;
    expect(recent.errors).toBe('0');
    expect(recent['store commands']).toBe('none');
    expect(old.errors).toBe('0');
    expect(old['store commands']).toBe('find messages 2');
  }, 300_000);
});
