import { describe, expect, it } from 'vitest';
import { AvatarUrlSigner } from './avatar-url.js';

const chatId = 'a'.repeat(24);
/** The parts of a signed URL, as the route reads them. */
const partsOf = (url: string) => {
  const query = new URLSearchParams(url.split('?')[1]);
  return { v: Number(query.get('v')), exp: Number(query.get('exp')), sig: query.get('sig')! };
};

describe('chat picture URLs', () => {
  const noon = Date.UTC(2026, 11, 2, 12);
  const at = (ms: number) => new AvatarUrlSigner('secret', () => ms);

  it('open the picture they name until the end of the next day (UTC), and no longer', () => {
    const { v, exp, sig } = partsOf(at(noon).url(chatId, 3)!);
    expect(exp * 1000).toBe(Date.UTC(2026, 11, 4));
    expect(at(noon).verify(chatId, v, exp, sig)).toBe(true);
    expect(at(Date.UTC(2026, 11, 3, 23, 59)).verify(chatId, v, exp, sig)).toBe(true);
    expect(at(Date.UTC(2026, 11, 4)).verify(chatId, v, exp, sig)).toBe(false);
  });

  it('stay the same all day, so browsers keep their copy', () => {
    expect(at(Date.UTC(2026, 11, 2, 0, 1)).url(chatId, 3)).toBe(at(Date.UTC(2026, 11, 2, 23, 59)).url(chatId, 3));
  });

  it('cannot be stretched or moved: another expiry, version, chat or secret does not verify', () => {
    const { v, exp, sig } = partsOf(at(noon).url(chatId, 3)!);
    expect(at(noon).verify(chatId, v, exp + 86_400, sig)).toBe(false);
    expect(at(noon).verify(chatId, v + 1, exp, sig)).toBe(false);
    expect(at(noon).verify('b'.repeat(24), v, exp, sig)).toBe(false);
    expect(new AvatarUrlSigner('other', () => noon).verify(chatId, v, exp, sig)).toBe(false);
  });

  it('has no URL for a chat without a picture', () => {
    expect(at(noon).url(chatId, null)).toBeNull();
  });
});
