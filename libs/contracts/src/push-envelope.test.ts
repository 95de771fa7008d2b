import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePush, encodePush } from './push-envelope.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('the push envelope', () => {
  it('carries the users and the frame, the frame byte for byte', () => {
    const frame = JSON.stringify({ type: 'message.created', data: { text: 'строка один\nстрока два, с запятой 🙂' } });
    const decoded = decodePush(encodePush(['a1', 'b2', 'c3'], frame));
    expect(decoded?.userIds).toEqual(['a1', 'b2', 'c3']);
    expect(text(decoded!.frame)).toBe(frame);
  });

  it('hands back a view of the message, not a copy', () => {
    const bytes = encodePush(['u'], '{"type":"x"}');
    const decoded = decodePush(bytes)!;
    expect(decoded.frame.buffer).toBe(bytes.buffer);
    expect(decoded.frame.byteOffset).toBe(2);
  });

  it('refuses bytes that are not a push', () => {
    expect(decodePush(new TextEncoder().encode('{"type":"x"}'))).toBeNull();
    expect(decodePush(new TextEncoder().encode('\n{"type":"x"}'))).toBeNull();
    expect(decodePush(new Uint8Array())).toBeNull();
  });

  it('round-trips any ids and any JSON frame', () => {
    const id = fc.stringMatching(/^[0-9a-f]{24}$/);
    fc.assert(
      fc.property(fc.array(id, { minLength: 1, maxLength: 50 }), fc.jsonValue(), (ids, value) => {
        const frame = JSON.stringify({ type: 'x', data: value });
        const decoded = decodePush(encodePush(ids, frame));
        expect(decoded?.userIds).toEqual(ids);
        expect(text(decoded!.frame)).toBe(frame);
      }),
    );
  });
});
