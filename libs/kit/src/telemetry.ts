import { context, propagation, trace, type Context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

let provider: NodeTracerProvider | undefined;

/**
 * Starts the OpenTelemetry tracer for this process. Spans are exported over OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. Without it (and without OTEL_TRACES_SAMPLER) nothing is recorded:
 * spans still get ids, so log lines carry trace ids and context still flows through NATS headers, but
 * recording spans that go nowhere cost the gateway about a seventh of its CPU under load (a span per push).
 */
export const startTelemetry = (serviceName: string, endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT): Tracer => {
  if (!provider) {
    const spanProcessors: SpanProcessor[] = [];
    if (endpoint) {
      const url = `${endpoint.replace(/\/$/, '')}/v1/traces`;
      spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 200 }));
    }
    provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
      spanProcessors,
      ...(endpoint || process.env.OTEL_TRACES_SAMPLER ? {} : { sampler: new AlwaysOffSampler() }),
    });
    provider.register({
      contextManager: new AsyncLocalStorageContextManager(),
      propagator: new W3CTraceContextPropagator(),
    });
  }
  return trace.getTracer(serviceName);
};

export const stopTelemetry = async (): Promise<void> => {
  await provider?.shutdown();
  provider = undefined;
};

/** Header carrier shaped like NATS `MsgHdrs` (get/set), so trace context travels in NATS headers. */
export interface HeaderCarrier {
  get(key: string): string;
  set(key: string, value: string): void;
}

export const injectTraceHeaders = (headers: HeaderCarrier, ctx: Context = context.active()): void => {
  propagation.inject(ctx, headers, { set: (carrier, key, value) => carrier.set(key, value) });
};

export const extractTraceContext = (headers: HeaderCarrier | undefined): Context =>
  headers
    ? propagation.extract(context.active(), headers, {
        get: (carrier, key) => carrier.get(key) || undefined,
        keys: () => ['traceparent', 'tracestate'],
      })
    : context.active();
