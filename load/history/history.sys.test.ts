import { describe, expect, it } from 'vitest';
import { runSmoke, tableRows } from '../lib/smoke.js';

// The history benchmark in smoke mode (4 000 messages in 40 chats): the seed, the restart and both kinds of page
// must work, recent pages without the store and an old page with exactly one query each.

describe('load: history (smoke)', () => {
  it('serves recent pages from Redis and an old page with one store query, after seeding and a restart', () => {
    const run = runSmoke('history');
    expect(run.status, run.output).toBe(0);
    const rows = tableRows(run.report);
    const recent = rows.find((r) => r.request!.startsWith('recent page'))!;
    const old = rows.find((r) => r.request!.startsWith('old page'))!;
    expect(recent.errors).toBe('0');
    expect(recent['store commands']).toBe('none');
    expect(old.errors).toBe('0');
    expect(old['store commands']).toBe('find messages 2');
  }, 300_000);
});
