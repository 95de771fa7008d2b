import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { LATENCY_BUCKETS } from '@messenger/kit/edge';

export interface GatewayGaugeSource {
  gatewayId: string;
  connections(): number;
  users(): number;
}

export interface GatewayMetrics {
  /** Events taken from NATS for users on this gateway (each goes to all of that user's sockets). */
  pushes: Counter;
  /** Frames clients sent on their sockets (typing), by outcome. */
  clientFrames: Counter;
  /** /api requests from arrival to answer, by route, method and status. */
  httpDuration: Histogram;
}

/**
 * The gateway's instruments. `messenger_gateway_ws_connections` is what the HorizontalPodAutoscaler
 * scales on (deploy/k8s/components/gateway-ws-autoscaling) through a metrics adapter: sockets, not
 * CPU, are what fills a gateway. Prometheus reads them at the probe port's /metrics.
 */
export const gatewayMetrics = (meter: Meter, source: GatewayGaugeSource): GatewayMetrics => {
  const attributes = { gateway: source.gatewayId };
  meter
    .createObservableGauge('messenger.gateway.ws.connections', { description: 'Open WebSocket connections on this gateway.' })
    .addCallback((result) => result.observe(source.connections(), attributes));
  meter
    .createObservableGauge('messenger.gateway.ws.users', { description: 'Distinct users with a WebSocket on this gateway.' })
    .addCallback((result) => result.observe(source.users(), attributes));
  meter
    .createObservableGauge('process.resident_memory.bytes', { unit: 'By', description: 'Resident memory of the gateway process.' })
    .addCallback((result) => result.observe(process.memoryUsage.rss(), attributes));
  return {
    pushes: meter.createCounter('messenger.gateway.pushes', { description: 'Events from NATS handed to the sockets of a user here.' }),
    clientFrames: meter.createCounter('messenger.gateway.ws.client_frames', { description: 'Frames received from clients, by outcome.' }),
    httpDuration: meter.createHistogram('messenger.gateway.http.duration.seconds', {
      unit: 's',
      description: '/api requests from arrival to answer.',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
    }),
  };
};
