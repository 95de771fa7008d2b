// Prints a scenario's result table and appends it, with the date, the commit and the machine, to
// load/RESULTS.md (or to LOAD_RESULTS, which the smoke tests point at a scratch file).
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_FILE = process.env.LOAD_RESULTS ?? join(ROOT, 'load', 'RESULTS.md');
/** Smoke runs (npm test) use tiny counts and prove the script still works; they write no figures worth keeping. */
export const SMOKE = process.env.LOAD_SMOKE === '1';

const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};

export const machine = () => {
  const list = cpus();
  return `${list.length} × ${list[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}`;
};

export const commit = () => {
  const sha = git('rev-parse', '--short', 'HEAD') || 'unknown';
  return git('status', '--porcelain', '--untracked-files=no') ? `${sha} (with uncommitted changes)` : sha;
};

const cell = (value) => (typeof value === 'number' ? formatNumber(value) : String(value ?? '')).replace(/\|/g, '\\|');

export const formatNumber = (value) => {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  return value.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3);
};

/** A markdown table from rows of objects; the columns are the first row's keys. */
export const table = (rows) => {
  if (!rows.length) return '_no rows_\n';
  const columns = Object.keys(rows[0]);
  const line = (values) => `| ${values.map(cell).join(' | ')} |`;
  return [line(columns), line(columns.map(() => '---')), ...rows.map((row) => line(columns.map((c) => row[c])))].join('\n') + '\n';
};

/**
 * @param {object} result
 * @param {string} result.scenario   e.g. 'connections'
 * @param {string} result.setup      one paragraph: counts, durations, pinning, what is compared
 * @param {object[]} result.rows     the measured table (include the baseline rows and the ratios)
 * @param {{goal: string, met: boolean, detail: string}[]} [result.goals]
 * @param {string[]} [result.notes]  what limits a figure, what was seen
 */
export const report = (result) => {
  const heading = `## ${result.scenario} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${commit()}${SMOKE ? ' · smoke' : ''}`;
  const goals = (result.goals ?? []).map((g) => `- ${g.met ? '**met**' : '**missed**'}: ${g.goal}. ${g.detail}`);
  const notes = (result.notes ?? []).filter(Boolean).map((n) => `- ${n}`);
  const text = [
    heading,
    '',
    `Machine: ${machine()}.`,
    '',
    result.setup,
    '',
    table(result.rows),
    ...(goals.length ? ['Goals:', '', ...goals, ''] : []),
    ...(notes.length ? ['Notes:', '', ...notes, ''] : []),
  ].join('\n');
  process.stdout.write(`\n${text}\n`);
  if (!existsSync(RESULTS_FILE)) writeFileSync(RESULTS_FILE, '# Load results\n\nAppended by `npm run load:<name>`; newest last.\n\n');
  appendFileSync(RESULTS_FILE, `${text}\n`);
  return text;
};
