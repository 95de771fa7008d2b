import { context, SpanKind, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { NatsContext } from '@nestjs/microservices';
import { HEADER } from '@messenger/contracts';
import { requestContext } from '../request-context.js';
import { extractTraceContext, type HeaderCarrier } from '../telemetry.js';

/**
 * Nest processing hooks that wrap every NATS request a service handles in a server span continuing
 * the caller's trace (W3C traceparent in the NATS headers), and make the request and caller ids
 * visible to log lines. Nest runs the handler when the reply stream is subscribed, after the start
 * hook's `done` resolves, so the span is ended by the end hook, not when `done` settles.
 */
export const tracingHooks = (tracer: Tracer) => {
  const open = new WeakMap<object, Span>();
  /** Requests and events being handled right now; shutdown waits for this to reach zero. */
  const inFlight = { count: 0 };
  const start = (_transportId: unknown, ctx: unknown, done: () => Promise<unknown>): Promise<unknown> => {
    inFlight.count += 1;
    const nats = ctx as NatsContext;
    const headers = nats.getHeaders() as HeaderCarrier | undefined;
    const subject = nats.getSubject();
    const requestId = headers?.get(HEADER.REQUEST_ID) || undefined;
    const callerId = headers?.get(HEADER.CALLER_ID) || undefined;
    const span = tracer.startSpan(
      subject,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.destination.name': subject,
          ...(requestId ? { 'messenger.request_id': requestId } : {}),
          ...(callerId ? { 'enduser.id': callerId } : {}),
        },
      },
      extractTraceContext(headers),
    );
    open.set(nats, span);
    return context.with(trace.setSpan(context.active(), span), () => requestContext.run({ requestId, callerId }, done));
  };
  const end = (_transportId: unknown, ctx: unknown): void => {
    inFlight.count -= 1;
    const span = open.get(ctx as object);
    open.delete(ctx as object);
    span?.end();
  };
  return { start, end, inFlight };
};
