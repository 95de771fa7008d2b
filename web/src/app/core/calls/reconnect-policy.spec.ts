import { describe, expect, it } from 'vitest';
import { RECONNECT_FOR_MS, reconnectPolicy } from './reconnect-policy';

describe('reconnectPolicy', () => {
  const delay = (retryCount: number, elapsedMs: number) => reconnectPolicy.nextRetryDelayInMs({ retryCount, elapsedMs });

  it('keeps trying for a fixed time, however many tries failed fast, and then gives up', () => {
    // Ten fast failures is where livekit-client's own policy gives up.
    for (let retryCount = 0; retryCount < 40; retryCount++) expect(delay(retryCount, retryCount * 1000)).not.toBeNull();
    expect(delay(3, RECONNECT_FOR_MS)).toBeNull();
    expect(delay(100, RECONNECT_FOR_MS + 1)).toBeNull();
  });

  it('tries again at once at first, then backs off to no more than 3 s ±50 % apart', () => {
    for (let i = 0; i < 50; i++) {
      expect(delay(0, 0)).toBe(0);
      expect(delay(1, 100)).toBeGreaterThanOrEqual(150);
      expect(delay(1, 100)).toBeLessThanOrEqual(450);
      const later = delay(12, 20_000)!;
      expect(later).toBeGreaterThanOrEqual(1500);
      expect(later).toBeLessThanOrEqual(4500);
    }
  });

  it('never waits past the end of its time', () => {
    for (let i = 0; i < 50; i++) expect(delay(20, RECONNECT_FOR_MS - 200)).toBeLessThanOrEqual(200);
  });
});
