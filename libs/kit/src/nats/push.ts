import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { pushSubject } from '@messenger/contracts';
import { context, trace } from '@opentelemetry/api';
import { injectTraceHeaders } from '../telemetry.js';

/**
 * Publishes a frame to each user's `push.user.<id>`, where gateways holding that user's sockets take
 * it. Inside a traced operation the trace context rides along, so the delivery on the gateway joins
 * the trace of the request that caused it; outside one, no headers are sent.
 */
export const publishPush = (nats: NatsConnection, userIds: Iterable<string>, frame: string | ((userId: string) => string)): void => {
  let headers: ReturnType<typeof natsHeaders> | undefined;
  if (trace.getSpan(context.active())) {
    headers = natsHeaders();
    injectTraceHeaders(headers);
  }
  for (const userId of new Set(userIds)) {
    nats.publish(pushSubject(userId), typeof frame === 'string' ? frame : frame(userId), headers ? { headers } : undefined);
  }
};
