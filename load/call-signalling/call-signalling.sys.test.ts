import { describe, expect, it } from 'vitest';
import { runSmoke, tableRows } from '../lib/smoke.js';

// The call-signalling benchmark in smoke mode (six pairs, two short steps): every call must go through
// start, ring, accept, leave and call.ended, and no call session may be left live in Redis.

describe('load: call signalling (smoke)', () => {
  it('completes every call of every step and leaves no session in Redis', () => {
    const run = runSmoke('call-signalling');
    // run.mjs exits 2 when a session was left behind in Redis.
    expect(run.status, run.output).toBe(0);

    const text = run.report;
    expect(text).toContain('## call-signalling');
    expect(text).toContain('**met**: no call session left behind in Redis after the run');
    expect(text).toContain('Every call of every step completed');
    const steps = tableRows(text).filter((r) => r.step!.startsWith('calls '));
    expect(steps.map((r) => r.step)).toEqual(['calls 2/s', 'calls 4/s']);
    for (const step of steps) {
      expect(Number(step['completed/s'])).toBeGreaterThan(0);
      expect(step['failed / skipped']).toBe('0 / 0');
    }
  }, 300_000);
});
