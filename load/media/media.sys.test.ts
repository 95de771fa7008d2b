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

const count = (cell: string | undefined) => Number((cell ?? '').replace(/,/g, ''));

describe('load: media (smoke size)', () => {
  it('fills an audio and a video room with rtc-node bots, and LiveKit forwards their packets to the subscribers', async () => {
    const results = join(mkdtempSync(join(tmpdir(), 'load-media-')), 'RESULTS.md');
    const { code, output } = await runScenario('load/media/run.mjs', results);
    expect(code, output).toBe(0);
    const text = readFileSync(results, 'utf8');
    expect(text).toContain('## media');
    const rows = tableRows(text);
    expect(rows.map((r) => r.room)).toEqual(['audio', 'video']);
    for (const row of rows) {
      const [connected, wanted] = row['participants connected']!.split('/');
      expect(connected).toBe(wanted);
      const [tracks, expected] = row['forwarded tracks']!.split('/').map(Number);
      expect(tracks).toBe(expected);
      expect(count(row['fwd pkt/s (subscribers)'])).toBeGreaterThan(0);
      expect(count(row['out pkt/s (LiveKit)'])).toBeGreaterThan(0);
      expect(count(row['SFU CPU (cores)'])).toBeGreaterThan(0);
    }
    expect(count(rows[1]!['frames decoded/s'])).toBeGreaterThan(0);
  }, 240_000);
});
