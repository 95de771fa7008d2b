import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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
  // The first build of the Go bots (pion and LiveKit's SDK, from the Go module proxy) takes a minute or two on a
  // fresh machine; run.mjs builds again, incrementally (a second). Built in a child so the worker stays responsive.
  beforeAll(
    () =>
      new Promise<void>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--input-type=module', '-e', "import { buildMediaBot } from './load/media/bot/driver.mjs'; buildMediaBot();"],
          { cwd: repoRoot(), maxBuffer: 16 << 20 },
          (error, _stdout, stderr) => (error ? reject(new Error(`building load/media/bot failed: ${stderr || error.message}`)) : resolve()),
        ),
      ),
    600_000,
  );

  it('fills an audio and a video room with the Go bots, and LiveKit forwards their packets to the subscribers', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'load-media-smoke-'));
    const { code, output } = await runScenario('load/media/run.mjs', join(scratch, 'RESULTS.md'));
    expect(code, output).toBe(0);
    const text = readFileSync(join(scratch, 'RESULTS.md'), 'utf8');
    rmSync(scratch, { recursive: true, force: true });
    expect(text).toContain('## media');
    const rows = tableRows(text);
    expect(rows.map((r) => r.room)).toEqual(['audio', 'video']);
    // What the publishers send per track: a 20 ms Opus frame (50 pkt/s); 1.2 Mbit/s of VP8 at 30 fps in
    // 1200-byte packets (5 a frame, 150 pkt/s).
    const perTrack: Record<string, number> = { audio: 50, video: 150 };
    for (const row of rows) {
      const [connected, wanted] = row['participants connected']!.split('/');
      expect(connected).toBe(wanted);
      const [tracks, expected] = row['forwarded tracks']!.split('/').map(Number);
      expect(tracks).toBe(expected);
      // the subscribers count what the publishers send (half of it at least, on a busy machine)
      expect(count(row['fwd pkt/s (subscribers)'])).toBeGreaterThan((expected! * perTrack[row.room!]!) / 2);
      expect(count(row['out pkt/s (LiveKit)'])).toBeGreaterThan(0);
      expect(count(row['UDP in/s (kernel)'])).toBeGreaterThan(0);
      expect(count(row['SFU CPU (cores)'])).toBeGreaterThan(0);
      expect(count(row['bot CPU (cores)'])).toBeGreaterThan(0);
    }
    // marker bits: whole frames arrive, ~30 a second per video track
    expect(count(rows[1]!['video frames/s (received)'])).toBeGreaterThan(0);
  }, 240_000);
});
