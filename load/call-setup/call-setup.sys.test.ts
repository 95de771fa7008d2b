import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@messenger/kit/testing';

/** Runs a load scenario at smoke size; resolves with its exit code and everything it printed. */
const runScenario = (script: string, results: string): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [script], {
      cwd: repoRoot(),
      env: { ...process.env, LOAD_SMOKE: '1', LOAD_RESULTS: results },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });

/** The rows of the first markdown table in `text`, as objects keyed by its header. */
const tableRows = (text: string): Record<string, string>[] => {
  const lines = text.split('\n').filter((line) => line.startsWith('| '));
  const cells = (line: string) =>
    line
      .slice(2, -2)
      .split(' | ')
      .map((c) => c.trim());
  const header = cells(lines[0] ?? '| |');
  return lines.slice(2).map((line) => Object.fromEntries(cells(line).map((value, i) => [header[i] ?? String(i), value])));
};

describe('load: call setup (smoke size)', () => {
  it('places calls through the web client and LiveKit, each reaching decoded video, beside a bare peer-connection pair', async () => {
    const results = join(mkdtempSync(join(tmpdir(), 'load-call-setup-')), 'RESULTS.md');
    const { code, output } = await runScenario('load/call-setup/run.mjs', results);
    expect(code, output).toBe(0);
    const text = readFileSync(results, 'utf8');
    expect(text).toContain('## call-setup');
    const rows = tableRows(text);
    const calls = rows.find((r) => r.measure!.startsWith('call setup'))!;
    const floor = rows.find((r) => r.measure!.startsWith('floor'))!;
    // Smoke size: two calls and two bare pairs, every one of them reaching a decoded frame.
    expect(calls.n).toBe('2');
    expect(floor.n).toBe('2');
    const frames = calls['frames decoded (each call)']!.split(',').map((f) => Number(f.trim()));
    expect(frames).toHaveLength(2);
    for (const f of frames) expect(f).toBeGreaterThan(1);
    const ms = (cell: string | undefined) => Number((cell ?? '').replace(/,/g, ''));
    expect(ms(calls['p50 ms'])).toBeGreaterThan(0);
    expect(ms(floor['p50 ms'])).toBeGreaterThan(0);
  }, 300_000);
});
