import { errors, headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { HEADER } from '@messenger/contracts';
import { sharedInstruments } from '../metrics.js';
import { injectTraceHeaders } from '../telemetry.js';
import { decodeReply, encodeRequest, type ServiceReply } from './wire.js';

export interface RequestOptions {
  callerId?: string;
  requestId?: string;
  clientIp?: string;
  timeoutMs?: number;
}

/**
 * Request/reply to a service subject. A missing responder and a timeout are told apart (503 vs 504
 * at the edge) and come back as service errors, never as thrown transport errors. Each request is a
 * client span (`request <subject>`) whose context travels in the headers, and its round trip is
 * recorded by subject and outcome.
 */
export const requestService = async (
  nc: NatsConnection,
  subject: string,
  data: unknown,
  options: RequestOptions = {},
): Promise<ServiceReply> => {
  const span = trace.getTracer('nats').startSpan(`request ${subject}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject },
  });
  const started = performance.now();
  const finish = (reply: ServiceReply): ServiceReply => {
    const outcome = reply.ok ? 'ok' : reply.error.code;
    sharedInstruments().natsRequestDuration.record((performance.now() - started) / 1000, { subject, outcome });
    if (!reply.ok) span.setAttribute('messenger.error_code', reply.error.code);
    if (!reply.ok && /^(INTERNAL|SERVICE_)/.test(reply.error.code)) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    return reply;
  };
  try {
    return finish(await context.with(trace.setSpan(context.active(), span), () => send(nc, subject, data, options)));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    throw error;
  }
};

const send = async (nc: NatsConnection, subject: string, data: unknown, options: RequestOptions): Promise<ServiceReply> => {
  const headers: MsgHdrs = natsHeaders();
  if (options.callerId) headers.set(HEADER.CALLER_ID, options.callerId);
  if (options.requestId) headers.set(HEADER.REQUEST_ID, options.requestId);
  if (options.clientIp) headers.set(HEADER.CLIENT_IP, options.clientIp);
  injectTraceHeaders(headers);
  try {
    const reply = await nc.request(subject, encodeRequest(subject, data), {
      timeout: options.timeoutMs ?? 5_000,
      headers,
    });
    return decodeReply(reply.data);
  } catch (error) {
    if (error instanceof errors.NoRespondersError) {
      return { ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: `no service answers ${subject}` } };
    }
    if (error instanceof errors.TimeoutError) {
      return { ok: false, error: { code: 'SERVICE_TIMEOUT', message: `${subject} did not answer in time` } };
    }
    if (error instanceof errors.RequestError && error.isNoResponders()) {
      return { ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: `no service answers ${subject}` } };
    }
    throw error;
  }
};
