import { describe, expect, it } from 'vitest';
import { MUTED_FOREVER } from '@messenger/contracts';
import { mutedUntil } from './members.service.js';

describe('mutedUntil', () => {
  const now = Date.parse('2026-12-02T10:00:00.000Z');
  it('mutes for an hour, eight hours, until unmuted, or not at all', () => {
    expect(mutedUntil('1h', now)?.toISOString()).toBe('2026-12-02T11:00:00.000Z');
    expect(mutedUntil('8h', now)?.toISOString()).toBe('2026-12-02T18:00:00.000Z');
    expect(mutedUntil('forever', now)?.toISOString()).toBe(MUTED_FOREVER);
    expect(mutedUntil('off', now)).toBeNull();
  });
});
