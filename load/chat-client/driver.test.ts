import { describe, expect, it } from 'vitest';
import { percentile } from '../lib/proc.mjs';
import { merge, stats } from './driver.mjs';

// The same bucketing as histogram.go: bucket i holds [1.01^i, 1.01^(i+1)) microseconds.
const report = (micros: number[]) => {
  const buckets: Record<number, number> = {};
  for (const us of micros) {
    const index = Math.floor(Math.log(Math.max(1, us)) / Math.log(1.01));
    buckets[index] = (buckets[index] ?? 0) + 1;
  }
  return { buckets, maxMs: Math.max(...micros) / 1000 };
};

describe('load generator histograms', () => {
  it('reads percentiles within 1 % of the exact ones after merging processes', () => {
    // A long tail, split unevenly over three processes as a real run would be.
    const samples = Array.from({ length: 30_000 }, (_, i) => Math.round(800 + (i % 97) * 40 + (i % 1000 === 0 ? 2_000_000 : 0)));
    const parts = [samples.filter((_, i) => i % 3 === 0), samples.filter((_, i) => i % 3 === 1), samples.filter((_, i) => i % 3 === 2)];
    const read = stats(merge(parts.map(report)))!;
    const sorted = [...samples].sort((a, b) => a - b);
    expect(read.count).toBe(samples.length);
    for (const p of [50, 95, 99] as const) {
      const exact = percentile(sorted, p) / 1000;
      expect(Math.abs(read[`p(${p})`] - exact) / exact).toBeLessThan(0.01);
    }
    expect(read.max).toBe(Math.max(...samples) / 1000);
  });

  it('has nothing to say about a step with no sample', () => {
    expect(stats(merge([undefined, { buckets: {}, maxMs: 0 }]))).toBeUndefined();
  });
});
