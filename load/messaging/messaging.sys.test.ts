import { describe, expect, it } from 'vitest';
import { runSmoke, tableRows } from '../lib/smoke.js';

// The messaging benchmark in smoke mode (a dozen users, two short steps per group size): it must
// still run end to end, through k6 and the real stack, and deliver messages to members' sockets.

describe('load: messaging (smoke)', () => {
  it('runs the steps and every step delivers messages to the members', () => {
    const run = runSmoke('messaging');
    expect(run.status, run.output).toBe(0);

    const text = run.report;
    expect(text).toContain('## messaging');
    const rows = tableRows(text);
    const baselines = rows.filter((r) => r.step!.startsWith('baseline'));
    expect(baselines.map((r) => r.step)).toEqual(['baseline GET /livez', 'baseline GET /healthz']);
    const steps = rows.filter((r) => r.step!.startsWith('groups of'));
    expect(steps.map((r) => r.step)).toEqual(['groups of 6', 'groups of 6', 'groups of 12', 'groups of 12']);
    for (const step of steps) {
      expect(Number(step['deliveries/s']!.replace(/,/g, ''))).toBeGreaterThan(0);
    }
  }, 300_000);
});
