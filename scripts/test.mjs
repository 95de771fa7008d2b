// `npm test`: every test in the repo. Installs missing tools first (idempotent), builds what the
// system tests run as processes, then runs the Node projects and the Angular app's tests, and ends
// with one plain "N passed, N failed" line over both.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTools } from './tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (command, args, { capture = false } = {}) => {
  console.log(`[test] ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    env: process.env,
    encoding: 'utf8',
  });
  if (capture) process.stdout.write(result.stdout ?? '');
  return result;
};

ensureTools(root);
if (run('npm', ['run', 'lint']).status !== 0) process.exit(1);
if (run('npm', ['run', 'build']).status !== 0) process.exit(1);
// Vitest does not type-check, and the build leaves tests out: check them here.
if (run('npx', ['tsc', '-p', 'tsconfig.tests.json']).status !== 0) process.exit(1);

const report = join(mkdtempSync(join(tmpdir(), 'vitest-')), 'report.json');
const node = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);
let passed = 0;
let failed = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests;
  failed += json.numFailedTests + (json.numTotalTestSuites > 0 && json.success === false && json.numFailedTests === 0 ? 1 : 0);
} catch {
  failed += 1; // no report: the runner itself failed
}

const web = run('npm', ['test', '-w', 'web'], { capture: true });
// eslint-disable-next-line no-control-regex -- strip colour codes before reading the summary
const webSummary = (web.stdout ?? '').replace(/\u001b\[[0-9;]*m/g, '').match(/Tests\s+(?:(\d+) failed\s*\|\s*)?(\d+) passed/);
if (webSummary) {
  failed += Number(webSummary[1] ?? 0);
  passed += Number(webSummary[2]);
} else if (web.status !== 0) failed += 1;

console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(node.status === 0 && web.status === 0 && failed === 0 ? 0 : 1);
