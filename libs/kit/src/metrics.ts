import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { observeEventLoopDelay } from './event-loop-delay.js';

let provider: MeterProvider | undefined;
let loopDelay: ReturnType<typeof observeEventLoopDelay> | undefined;
let prometheus: PrometheusExporter | undefined;

/** Latency buckets in seconds, from a loopback round trip to a request about to time out. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Starts this process's metrics: pulled as Prometheus text from the probe port's /metrics (what the
 * HPA's metrics adapter and scrapers read) and, when OTEL_EXPORTER_OTLP_ENDPOINT is set, pushed over
 * OTLP/HTTP too. Instruments must be created after this (the API's no-op meter never upgrades).
 */
export const startMetrics = (
  serviceName: string,
  endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
  exportIntervalMillis = 15_000,
): Meter => {
  if (!provider) {
    prometheus = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
    const readers: MetricReader[] = [prometheus];
    if (endpoint) {
      const url = `${endpoint.replace(/\/$/, '')}/v1/metrics`;
      readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url }), exportIntervalMillis }));
    }
    provider = new MeterProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
      readers,
    });
    metrics.setGlobalMeterProvider(provider);
    loopDelay = observeEventLoopDelay(provider.getMeter('nodejs'));
  }
  instruments = undefined;
  return metrics.getMeter(serviceName);
};

export const stopMetrics = async (): Promise<void> => {
  await provider?.shutdown().catch(() => undefined);
  loopDelay?.disable();
  loopDelay = undefined;
  metrics.disable();
  provider = undefined;
  prometheus = undefined;
  instruments = undefined;
};

/** Serves /metrics in Prometheus' text format. */
export const metricsHandler = (req: IncomingMessage, res: ServerResponse): void => {
  if (!prometheus) {
    res.writeHead(503).end();
    return;
  }
  prometheus.getMetricsRequestHandler(req, res);
};

/** The instruments every process shares (kit code records into them). */
export interface SharedInstruments {
  /** A NATS request's round trip as the caller sees it, by subject and outcome (ok or the error code). */
  natsRequestDuration: Histogram;
  /** Errors answered, by stable code and where (a subject or a route). */
  errors: Counter;
  /**
   * Every MongoDB command this process sent, by command and collection, traced or not: how an operator (and the
   * store-command tests) see which paths still touch the store.
   */
  storeCommands: Counter;
  /** Facts a consumer gave up on after 20 tries and moved to the dead-letter stream: alert on any. */
  deadLettered: Counter;
  /** Facts that could not be published at once and wait in the outbox for the next try. */
  outboxQueued: Counter;
}

let instruments: SharedInstruments | undefined;

export const sharedInstruments = (): SharedInstruments => {
  // Until startMetrics runs, hand out no-op instruments without caching them.
  if (!provider) return makeInstruments(metrics.getMeter('messenger'));
  return (instruments ??= makeInstruments(metrics.getMeter('messenger')));
};

const makeInstruments = (meter: Meter): SharedInstruments => ({
  natsRequestDuration: meter.createHistogram('messenger.nats.request.duration.seconds', {
    unit: 's',
    description: 'NATS request round trip as the caller sees it.',
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
  }),
  errors: meter.createCounter('messenger.errors', { description: 'Errors answered, by stable code.' }),
  storeCommands: meter.createCounter('messenger.store.commands', { description: 'MongoDB commands sent, by command and collection.' }),
  deadLettered: meter.createCounter('messenger.events.dead_lettered', {
    description: 'Facts moved to the dead-letter stream after 20 failed deliveries, by consumer and subject. Alert on any.',
  }),
  outboxQueued: meter.createCounter('messenger.events.outbox_queued', {
    description: 'Facts whose publish failed and that wait in the outbox for a retry, by subject.',
  }),
});
