import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Runs `load/<scenario>/run.mjs` in smoke mode (LOAD_SMOKE=1: tiny counts, seconds), writing its report to a scratch
 * file, and returns the process's outcome and that report.
 */
export const runSmoke = (scenario: string): { status: number | null; output: string; report: string } => {
  const dir = mkdtempSync(join(tmpdir(), `load-${scenario}-smoke-`));
  const resultsFile = join(dir, 'RESULTS.md');
  try {
    const run = spawnSync(process.execPath, [`load/${scenario}/run.mjs`], {
      cwd: ROOT,
      env: { ...process.env, LOAD_SMOKE: '1', LOAD_RESULTS: resultsFile },
      encoding: 'utf8',
      timeout: 280_000,
    });
    let report = '';
    try {
      report = readFileSync(resultsFile, 'utf8');
    } catch {
      // no report: the run failed before writing one, which its status and output say
    }
    return { status: run.status, output: `${run.stdout}\n${run.stderr}`, report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** The rows of the first markdown table in `text`, as objects keyed by the header cells. */
export const tableRows = (text: string): Record<string, string>[] => {
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
