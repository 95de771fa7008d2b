import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { pushSubject } from '@messenger/contracts';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { injectTraceHeaders } from '../telemetry.js';

/**
 * Publishes a frame to each user's `push.user.<id>`, where gateways holding that user's sockets take
 * it. Inside a sampled trace the trace context rides along, so the delivery on the gateway joins the
 * trace of the request that caused it; otherwise no headers are sent (the gateway parses none and
 * starts no span, per delivery: a group of 100 makes 100 of them per message).
 */
export const publishPush = (nats: NatsConnection, userIds: Iterable<string>, frame: string | ((userId: string) => string)): void => {
  let headers: ReturnType<typeof natsHeaders> | undefined;
  const span = trace.getSpan(context.active());
  if (span && span.spanContext().traceFlags & TraceFlags.SAMPLED) {
    headers = natsHeaders();
    injectTraceHeaders(headers);
  }
  for (const userId of new Set(userIds)) {
    nats.publish(pushSubject(userId), typeof frame === 'string' ? frame : frame(userId), headers ? { headers } : undefined);
  }
};
