import { describe, expect, it } from 'vitest';
import { runSmoke, tableRows } from '../lib/smoke.js';

// The reconnect storm in smoke mode (60 sockets): every socket comes back, the probe's messages keep arriving,
// and the report is written.

describe('load: reconnect storm (smoke)', () => {
  it('brings every socket back and keeps delivering the probe’s messages', () => {
    const run = runSmoke('reconnect-storm');
    expect(run.status, run.output).toBe(0);
    expect(run.report).toContain('## reconnect-storm');
    const storm = tableRows(run.report).find((r) => r.phase!.startsWith('storm of '))!;
    expect(Number(storm['sockets back in s'])).toBeGreaterThan(0);
    expect(storm['probe lost']).toBe('0');
  }, 300_000);
});
