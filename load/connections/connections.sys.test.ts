import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Smoke run of `npm run load:connections`: tiny counts, results into a scratch file. It proves the
// scenario still runs end to end (stack, Go client, both baselines, report), not what it measures.

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'load-connections-test-'));
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

describe('load:connections (smoke)', () => {
  it('holds the sockets on the gateway, Socket.IO and ws, and reports memory per socket for each', { timeout: 300_000 }, async () => {
    const { code, output } = await run('load/connections/run.mjs');
    expect(code, output.slice(-3000)).toBe(0);

    const text = readFileSync(resultsFile, 'utf8');
    expect(text).toContain('## connections');
    expect(text).toContain('· smoke');
    const rows = tableRows(text);
    expect(rows.map((r) => r.server)).toEqual([
      expect.stringMatching(/^gateway/),
      expect.stringMatching(/^Socket\.IO/),
      expect.stringMatching(/^plain ws/),
    ]);
    for (const row of rows) {
      expect(number(row['sockets held'])).toBe(200);
      expect(number(row['failed or dropped'])).toBe(0);
      expect(number(row['RSS before (MiB)'])).toBeGreaterThan(0);
      expect(number(row['RSS held (MiB)'])).toBeGreaterThan(0);
      expect(Number.isFinite(number(row['RSS per socket (KB)']))).toBe(true);
      expect(number(row['per socket vs gateway'])).not.toBeNaN();
    }
    expect(text).toMatch(/\*\*(met|missed)\*\*: ≥ 8× less memory per connection than the Socket\.IO baseline/);
  });
});
