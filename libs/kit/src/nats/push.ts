import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { encodePush, PUSH_SUBJECT, PUSH_USERS_PER_MESSAGE } from '@messenger/contracts';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { injectTraceHeaders } from '../telemetry.js';

/**
 * Publishes a frame for users' sockets on `push.users`, where every gateway takes it and delivers it to those of the
 * users it holds. Users who get the same frame share one message (of at most PUSH_USERS_PER_MESSAGE users), so a
 * send to a group of 100 is one NATS message, not 100. Inside a sampled trace the trace context rides along, so
 * the delivery on each gateway joins the trace of the request that caused it; otherwise no headers are sent (the
 * gateway parses none and starts no span).
 */
export const publishPush = (nats: NatsConnection, userIds: Iterable<string>, frame: string | ((userId: string) => string)): void => {
  let headers: ReturnType<typeof natsHeaders> | undefined;
  const span = trace.getSpan(context.active());
  if (span && span.spanContext().traceFlags & TraceFlags.SAMPLED) {
    headers = natsHeaders();
    injectTraceHeaders(headers);
  }
  const byFrame = new Map<string, string[]>();
  for (const userId of new Set(userIds)) {
    const text = typeof frame === 'string' ? frame : frame(userId);
    const users = byFrame.get(text);
    if (users) users.push(userId);
    else byFrame.set(text, [userId]);
  }
  for (const [text, users] of byFrame) {
    for (let from = 0; from < users.length; from += PUSH_USERS_PER_MESSAGE) {
      nats.publish(PUSH_SUBJECT, encodePush(users.slice(from, from + PUSH_USERS_PER_MESSAGE), text), headers ? { headers } : undefined);
    }
  }
};
