import { describe, expect, it } from 'vitest';
import { decodeReply, encodeRequest } from './wire.js';

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('Nest NATS wire format', () => {
  it('encodes a request as {pattern, data, id}', () => {
    const packet = JSON.parse(new TextDecoder().decode(encodeRequest('users.profile.me', { a: 1 }))) as Record<string, unknown>;
    expect(packet).toMatchObject({ pattern: 'users.profile.me', data: { a: 1 } });
    expect(packet.id).toEqual(expect.any(String));
  });

  it('reads a response and a service error', () => {
    expect(decodeReply(bytes({ id: '1', response: { ok: 1 }, isDisposed: true }))).toEqual({ ok: true, response: { ok: 1 } });
    expect(decodeReply(bytes({ id: '1', err: { code: 'GROUP_FULL', message: 'full' } }))).toEqual({
      ok: false,
      error: { code: 'GROUP_FULL', message: 'full' },
    });
  });

  it('never passes an unknown error shape or garbage through as-is', () => {
    expect(decodeReply(bytes({ err: { status: 'error', message: 'Internal server error' } }))).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'internal error' },
    });
    expect(decodeReply(new TextEncoder().encode('not json'))).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
