import { errors, headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { HEADER } from '@messenger/contracts';
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
 * at the edge) and come back as service errors, never as thrown transport errors.
 */
export const requestService = async (
  nc: NatsConnection,
  subject: string,
  data: unknown,
  options: RequestOptions = {},
): Promise<ServiceReply> => {
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
