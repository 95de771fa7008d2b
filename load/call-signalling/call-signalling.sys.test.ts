import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The call-signalling benchmark in smoke mode (six pairs, two short steps): every call must go through
// start, ring, accept, leave and call.ended, and no call session may be left live in Redis.

const dir = mkdtempSync(join(tmpdir(), 'load-call-signalling-smoke-'));
const resultsFile = join(dir, 'RESULTS.md');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The rows of the first markdown table in `text`, as objects keyed by the header cells. */
const tableRows = (text: string): Record<string, string>[] => {
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

describe('load: call signalling (smoke)', () => {
  it('completes every call of every step and leaves no session in Redis', () => {
    const run = spawnSync(process.execPath, ['load/call-signalling/run.mjs'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, LOAD_SMOKE: '1', LOAD_RESULTS: resultsFile },
      encoding: 'utf8',
      timeout: 280_000,
    });
    // run.mjs exits 2 when a session was left behind in Redis.
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);

    const text = readFileSync(resultsFile, 'utf8');
    expect(text).toContain('## call-signalling');
    expect(text).toContain('**met**: no call session left behind in Redis after the run');
    expect(text).toContain('Every call of every step completed');
    const steps = tableRows(text).filter((r) => r.step!.startsWith('calls '));
    expect(steps.map((r) => r.step)).toEqual(['calls 2/s', 'calls 4/s']);
    for (const step of steps) {
      expect(Number(step['completed/s'])).toBeGreaterThan(0);
      expect(step['failed / skipped']).toBe('0 / 0');
    }
  }, 300_000);
});
