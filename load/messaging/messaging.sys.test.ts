import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The messaging benchmark in smoke mode (a dozen users, two short steps per group size): it must
// still run end to end, through k6 and the real stack, and deliver messages to members' sockets.

const dir = mkdtempSync(join(tmpdir(), 'load-messaging-smoke-'));
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

describe('load: messaging (smoke)', () => {
  it('runs the steps and every step delivers messages to the members', () => {
    const run = spawnSync(process.execPath, ['load/messaging/run.mjs'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, LOAD_SMOKE: '1', LOAD_RESULTS: resultsFile },
      encoding: 'utf8',
      timeout: 280_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);

    const text = readFileSync(resultsFile, 'utf8');
    expect(text).toContain('## messaging');
    const rows = tableRows(text);
    const baselines = rows.filter((r) => r.step!.startsWith('baseline'));
    expect(baselines.map((r) => r.step)).toEqual(['baseline GET /livez', 'baseline GET /healthz']);
    const steps = rows.filter((r) => r.step!.startsWith('groups of'));
    expect(steps.map((r) => r.step)).toEqual(['groups of 6', 'groups of 6', 'groups of 12', 'groups of 12']);
    for (const step of steps) {
      expect(Number(step['deliveries/s']!.replace(/,/g, ''))).toBeGreaterThan(0);
    }
  }, 300_000);
});
