import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Smoke run of `npm run load:fanout`: tiny counts, results into a scratch file. It proves the scenario
// still runs end to end (every subscriber gets every event from each server), not what it measures.

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'load-fanout-test-'));
const resultsFile = join(dir, 'RESULTS.md');

const run = (script: string) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: { ...process.env, LOAD_SMOKE: '1', LOAD_RESULTS: resultsFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });

/** The data rows of the markdown table, keyed by column name. */
const tableRows = (text: string) => {
  const lines = text.split('\n').filter((line) => line.startsWith('| '));
  const cells = (line: string) =>
    line
      .slice(2, -2)
      .split(' | ')
      .map((c) => c.trim());
  const [header, , ...rows] = lines.map(cells);
  return rows.map((row) => Object.fromEntries(header!.map((column, i) => [column, row[i] ?? ''])));
};
const number = (cell: string | undefined) => Number((cell ?? '').replace(/,/g, '').replace(/×$/, ''));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('load:fanout (smoke)', () => {
  it(
    'delivers every event to every subscriber from the gateway, Socket.IO and ws, to one user and to many, and charges CPU per frame',
    { timeout: 300_000 },
    async () => {
      const { code, output } = await run('load/fanout/run.mjs');
      expect(code, output.slice(-3000)).toBe(0);

      const text = readFileSync(resultsFile, 'utf8');
      expect(text).toContain('## fanout');
      expect(text).toContain('· smoke');
      const rows = tableRows(text);
      const servers = [expect.stringMatching(/^gateway/), expect.stringMatching(/^Socket\.IO/), expect.stringMatching(/^plain ws/)];
      expect(rows.map((r) => r.server)).toEqual([...servers, ...servers]);
      expect(rows.map((r) => r.audience)).toEqual([
        ...Array(3).fill('one user, 500 sockets'),
        ...Array(3).fill('500 users, a socket each'),
      ]);
      for (const row of rows) {
        expect(number(row.subscribers)).toBe(500);
        expect(number(row['frames delivered'])).toBe(number(row.subscribers) * number(row.events));
        expect(number(row['server CPU (ms)'])).toBeGreaterThanOrEqual(0);
        expect(number(row['CPU-µs per frame'])).toBeGreaterThanOrEqual(0);
        expect(number(row['frames/s (client-bound)'])).toBeGreaterThan(0);
      }
      expect(text).toMatch(/\*\*(met|missed)\*\*: ≤ 2 CPU-µs per delivered frame on the gateway \(500 users, a socket each\)/);
    },
  );
});
