// A fixed-rate request generator: requests start on schedule whether or not earlier ones have answered (an open
// loop, as real users arrive), so a slow server shows as latency and not as a lower rate.
import { percentile } from './proc.mjs';

/**
 * @param {{ rate: number, seconds: number, request: (i: number) => Promise<boolean> }} options
 *   `request` resolves true for an answer the scenario accepts, false (or a throw) for an error.
 */
export const openLoop = async ({ rate, seconds, request }) => {
  const total = Math.round(rate * seconds);
  const latencies = [];
  let errors = 0;
  const started = performance.now();
  const pending = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      (async () => {
        const at = performance.now();
        try {
          if (await request(i)) latencies.push(performance.now() - at);
          else errors++;
        } catch {
          errors++;
        }
      })(),
    );
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const p = (q) => percentile(latencies, q);
  return {
    sent: total,
    ok: latencies.length,
    errors,
    p50: p(50),
    p95: p(95),
    p99: p(99),
    max: latencies.at(-1) ?? NaN,
    achievedRate: total / seconds,
  };
};
