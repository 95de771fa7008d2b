import { describe, expect, it } from 'vitest';
import { AttachmentUrlSigner } from './attachment-urls.js';
import type { StoredAttachment } from './attachment.model.js';

const chatId = 'a'.repeat(24);
const picture: StoredAttachment = {
  id: 'b'.repeat(24),
  name: 'cat.png',
  size: 1234,
  contentType: 'image/png',
  width: 640,
  height: 480,
  hasThumbnail: true,
};
const partsOf = (url: string) => {
  const query = new URLSearchParams(url.split('?')[1]);
  return { path: url.split('?')[0], exp: Number(query.get('exp')), sig: query.get('sig')! };
};

describe('attachment URLs', () => {
  const noon = Date.UTC(2026, 11, 2, 12);
  const at = (ms: number) => new AttachmentUrlSigner('secret', () => ms);

  it('name the file and its thumbnail, and open them for 30 to 31 days (until a UTC midnight)', () => {
    const view = at(noon).view(chatId, picture);
    expect(view).toMatchObject({ id: picture.id, name: 'cat.png', size: 1234, contentType: 'image/png', width: 640, height: 480 });
    const file = partsOf(view.url);
    const thumbnail = partsOf(view.thumbnailUrl!);
    expect(file.path).toBe(`/api/chats/${chatId}/attachments/${picture.id}`);
    expect(thumbnail.path).toBe(`/api/chats/${chatId}/attachments/${picture.id}/thumbnail`);
    expect(file.exp * 1000).toBe(Date.UTC(2027, 0, 2));
    expect(at(Date.UTC(2027, 0, 1, 23, 59)).verify('file', chatId, picture.id, file.exp, file.sig)).toBe(true);
    expect(at(Date.UTC(2027, 0, 2)).verify('file', chatId, picture.id, file.exp, file.sig)).toBe(false);
    expect(at(noon).verify('thumbnail', chatId, picture.id, thumbnail.exp, thumbnail.sig)).toBe(true);
  });

  it('stay the same all day, so browsers keep their copy', () => {
    expect(at(Date.UTC(2026, 11, 2, 0, 1)).view(chatId, picture)).toEqual(at(Date.UTC(2026, 11, 2, 23, 59)).view(chatId, picture));
  });

  it('cannot be stretched, moved to another file, chat or part, or made with another secret', () => {
    const { exp, sig } = partsOf(at(noon).view(chatId, picture).url);
    expect(at(noon).verify('file', chatId, picture.id, exp + 86_400, sig)).toBe(false);
    expect(at(noon).verify('file', chatId, 'c'.repeat(24), exp, sig)).toBe(false);
    expect(at(noon).verify('file', 'd'.repeat(24), picture.id, exp, sig)).toBe(false);
    expect(at(noon).verify('thumbnail', chatId, picture.id, exp, sig)).toBe(false);
    expect(new AttachmentUrlSigner('other', () => noon).verify('file', chatId, picture.id, exp, sig)).toBe(false);
  });

  it('gives a file without a thumbnail no thumbnail URL, and no size it does not have', () => {
    const view = at(noon).view(chatId, { id: picture.id, name: 'a.pdf', size: 9, contentType: 'application/pdf', hasThumbnail: false });
    expect(view.thumbnailUrl).toBeNull();
    expect(view).not.toHaveProperty('width');
  });
});
