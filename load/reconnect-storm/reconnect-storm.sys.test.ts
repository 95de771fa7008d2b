import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The reconnect storm in smoke mode (60 sockets): every socket comes back, the probe's messages keep arriving,
// and the report is written.

const dir = mkdtempSync(join(tmpdir(), 'load-reconnect-storm-smoke-'));
const resultsFile = join(dir, 'RESULTS.md');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('load: reconnect storm (smoke)', () => {
  it('brings every socket back and keeps delivering the probe’s messages', () => {
    const run = spawnSync(process.execPath, ['load/reconnect-storm/run.mjs'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, LOAD_SMOKE: '1', LOAD_RESULTS: resultsFile },
      encoding: 'utf8',
      timeout: 280_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const text = readFileSync(resultsFile, 'utf8');
    expect(text).toContain('## reconnect-storm');
    const storm = text.split('\n').find((line) => line.startsWith('| storm of '))!;
    const cells = storm.split(' | ');
    // Every probe message sent during the storm arrived ("probe lost" is the 8th column).
    expect(cells[6]).toBe('0');
  }, 300_000);
});
