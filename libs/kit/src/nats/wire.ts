import { asServiceErrorPayload } from '../error-payload.js';
import type { ServiceErrorPayload } from '@messenger/contracts';

/**
 * The request/reply wire format of @nestjs/microservices' NATS transport, written down here so that
 * non-Nest callers (the gateway, tests) speak it: request `{pattern, data, id}`, reply
 * `{id, response}` or `{id, err}` (plus `isDisposed`).
 */
export interface NestRequestPacket {
  pattern: string;
  data: unknown;
  id: string;
}

export type ServiceReply = { ok: true; response: unknown } | { ok: false; error: ServiceErrorPayload };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let counter = 0;
const nextId = () => `${process.pid.toString(36)}-${(counter++).toString(36)}`;

export const encodeRequest = (pattern: string, data: unknown): Uint8Array =>
  encoder.encode(JSON.stringify({ pattern, data, id: nextId() } satisfies NestRequestPacket));

export const decodeReply = (bytes: Uint8Array): ServiceReply => {
  let packet: { response?: unknown; err?: unknown };
  try {
    packet = JSON.parse(decoder.decode(bytes)) as typeof packet;
  } catch {
    return { ok: false, error: { code: 'INTERNAL', message: 'service sent an unreadable reply' } };
  }
  if (packet.err !== undefined && packet.err !== null) {
    const error = asServiceErrorPayload(packet.err) ?? {
      code: 'INTERNAL' as const,
      message: 'internal error',
    };
    return { ok: false, error };
  }
  return { ok: true, response: packet.response ?? null };
};
