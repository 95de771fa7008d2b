import { metrics, type Histogram } from '@opentelemetry/api';
import { LATENCY_BUCKETS } from '@messenger/kit';
import type { CallSessionRepository } from '../sessions/call-session.repository.js';

export interface CallMetrics {
  /** From a join (the token handed out) to LiveKit reporting the person's media connected. */
  setupDuration: Histogram;
}

/**
 * The calls service's instruments. `messenger_calls_live` is read from Redis, so every replica reports
 * the same cluster-wide count (aggregate with max, not sum).
 */
export const callMetrics = (sessions: Pick<CallSessionRepository, 'liveCallCount'>): CallMetrics => {
  const meter = metrics.getMeter('calls');
  meter
    .createObservableGauge('messenger.calls.live', { description: 'Calls live now, across the cluster.' })
    .addCallback(async (result) => result.observe(await sessions.liveCallCount().catch(() => 0)));
  return {
    setupDuration: meter.createHistogram('messenger.calls.setup.duration.seconds', {
      unit: 's',
      description: 'From joining a call to the media connected in LiveKit.',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
    }),
  };
};
