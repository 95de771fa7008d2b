import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Meter } from '@opentelemetry/api';

/**
 * How long work waited for this process's one thread: the event loop's delay, p99 and max in seconds since the
 * previous collection (a scrape of /metrics, or an OTLP export), in the shape of OpenTelemetry's Node runtime
 * instrumentation. CPU figures say how busy a process is; this says whether that business made requests queue, which is
 * what a latency tail needs to be traced to a process (load/messaging reports it per step).
 *
 * Node samples it with a 10 ms timer on the loop and records each whole interval (an idle loop reads ~10 ms), so the
 * timer's own 10 ms is taken off: what is left is the wait.
 */
const RESOLUTION_MS = 10;
const waitSeconds = (recordedNs: number) => Math.max(0, recordedNs / 1e6 - RESOLUTION_MS) / 1000;

export const observeEventLoopDelay = (meter: Meter): IntervalHistogram => {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const p99 = meter.createObservableGauge('nodejs.eventloop.delay.p99.seconds', {
    description: 'Event loop delay, 99th percentile since the previous collection.',
  });
  const max = meter.createObservableGauge('nodejs.eventloop.delay.max.seconds', {
    description: 'Event loop delay, longest since the previous collection.',
  });
  meter.addBatchObservableCallback(
    (result) => {
      // Before any sample (a collection right after the previous one) the histogram holds nothing: say 0, not NaN.
      const sampled = histogram.count > 0;
      result.observe(p99, sampled ? waitSeconds(histogram.percentile(99)) : 0);
      result.observe(max, sampled ? waitSeconds(histogram.max) : 0);
      histogram.reset();
    },
    [p99, max],
  );
  return histogram;
};
