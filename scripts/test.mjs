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
const run = (command, args, { capture = false, env = {} } = {}) => {
  console.log(
    `[test] ${Object.entries(env)
      .map(([k, v]) => `${k}=${v} `)
      .join('')}${command} ${args.join(' ')}`,
  );
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    env: { ...process.env, ...env },
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

let passed = 0;
let failed = 0;
// Names of what failed, printed again last: CI keeps only the tail of a long log.
const failures = [];

/** Runs Vitest with a JSON report and adds its counts and failures to the totals; returns whether it passed. */
const vitest = (args, env = {}) => {
  const report = join(mkdtempSync(join(tmpdir(), 'vitest-')), 'report.json');
  const result = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args], { env });
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests;
    failed += json.numFailedTests + (json.numTotalTestSuites > 0 && json.success === false && json.numFailedTests === 0 ? 1 : 0);
    for (const file of json.testResults ?? []) {
      const name = file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name;
      const tests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
      for (const test of tests) failures.push(`${name} > ${test.fullName}: ${(test.failureMessages?.[0] ?? '').split('\n')[0]}`);
      // A file fails without a failed test when a hook or its worker does; its message may start with blank lines.
      const firstLines = (file.message ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .slice(0, 3)
        .join(' / ');
      if (file.status === 'failed' && tests.length === 0) failures.push(`${name}: ${firstLines || 'failed, with no message'}`);
    }
  } catch {
    failed += 1; // no report: the runner itself failed
    failures.push(`vitest ${args.join(' ')}: no report`);
  }
  return result.status === 0;
};

const filtered = process.argv.length > 2;
let ok = vitest(filtered ? process.argv.slice(2) : ['--project', 'unit', '--project', 'integration', '--project', 'system']);

// The compose suite runs alone, after the rest: it builds images and holds LiveKit's fixed ports. It needs a Docker
// engine, which scripts/containers.sh installs and starts with the local base images (seconds once cached). In CI a
// failure there fails the run; elsewhere (no root, no apt) the suite says it is skipped and why.
if (!filtered && process.env.MESSENGER_SKIP_COMPOSE !== '1') {
  const containers = run('bash', [join(root, 'scripts', 'containers.sh')]);
  if (containers.status !== 0 && process.env.CI) {
    failed += 1;
    failures.push('scripts/containers.sh failed');
  }
  ok = vitest(['--project', 'compose']) && ok;
  // The integration tests once more with their servers in containers (testcontainers), so neither mode rots.
  if (containers.status === 0) ok = vitest(['--project', 'integration'], { TEST_INFRA: 'containers' }) && ok;
}

const web = run('npm', ['test', '-w', 'web'], { capture: true });
// eslint-disable-next-line no-control-regex -- strip colour codes before reading the summary
const webSummary = (web.stdout ?? '').replace(/\u001b\[[0-9;]*m/g, '').match(/Tests\s+(?:(\d+) failed\s*\|\s*)?(\d+) passed/);
if (webSummary) {
  failed += Number(webSummary[1] ?? 0);
  passed += Number(webSummary[2]);
} else if (web.status !== 0) failed += 1;

if (web.status !== 0) failures.push('web: see the Angular test output above');
if (failures.length > 0) console.log(`\nfailed:\n${failures.map((line) => `  ${line.slice(0, 400)}`).join('\n')}`);
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(ok && web.status === 0 && failed === 0 ? 0 : 1);
