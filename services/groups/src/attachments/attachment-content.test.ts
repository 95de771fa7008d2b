import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { inspectContent, THUMBNAIL_SIZE } from './attachment-content.js';

const picture = (format: 'png' | 'jpeg' | 'webp' | 'gif', width = 800, height = 600) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .toFormat(format)
    .toBuffer();
const refusal = async (work: Promise<unknown>) => {
  const error = (await work.then(
    () => undefined,
    (e: unknown) => e,
  )) as { payload?: { code: string; message: string } } | undefined;
  return error?.payload;
};

describe('what an upload is', () => {
  it.each(['png', 'jpeg', 'webp', 'gif'] as const)(
    'a %s picture keeps its type and size, and gets a WebP thumbnail inside 320×320',
    async (format) => {
      const content = await inspectContent(await picture(format), 'application/octet-stream');
      expect(content.contentType).toBe(`image/${format}`);
      expect(content.picture).toMatchObject({ width: 800, height: 600 });
      const thumbnail = await sharp(content.picture!.thumbnail).metadata();
      expect(thumbnail).toMatchObject({ format: 'webp', width: THUMBNAIL_SIZE, height: 240 });
    },
  );

  it('does not enlarge a small picture, and reports the size as shown (EXIF orientation applied)', async () => {
    const small = await inspectContent(await picture('png', 100, 50));
    expect(await sharp(small.picture!.thumbnail).metadata()).toMatchObject({ width: 100, height: 50 });
    const rotated = await sharp(await picture('jpeg', 400, 200))
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await inspectContent(rotated)).picture).toMatchObject({ width: 200, height: 400 });
  });

  it('takes the type from the bytes, whatever the uploader says', async () => {
    expect((await inspectContent(Buffer.from('%PDF-1.7\n...'), 'text/html')).contentType).toBe('application/pdf');
    expect((await inspectContent(Buffer.from('hello'), 'text/html')).contentType).toBe('application/octet-stream');
    expect((await inspectContent(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).contentType).toBe('application/octet-stream');
  });

  it('refuses bytes that start like a picture but are not one, and markup or anything else sent as an image', async () => {
    expect(await refusal(inspectContent(Buffer.from('GIF89a but not really')))).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    const truncated = (await picture('png')).subarray(0, 200);
    expect(await refusal(inspectContent(truncated))).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await refusal(inspectContent(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml'))).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringContaining('SVG and HTML'),
    });
    expect(await refusal(inspectContent(Buffer.from('\uFEFF  <html><script>alert(1)</script>'), 'image/png'))).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(await refusal(inspectContent(Buffer.from('%PDF-1.7'), 'image/png'))).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('keeps a picture too large to decode (a decompression bomb) as a plain file, without decoding it', async () => {
    const chunk = (type: string, data: Buffer) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      const body = Buffer.concat([Buffer.from(type), data]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([length, body, crc]);
    };
    const header = Buffer.alloc(13);
    header.writeUInt32BE(20_000, 0);
    header.writeUInt32BE(20_000, 4);
    header.set([8, 2, 0, 0, 0], 8);
    // 400 megapixels declared in 80 bytes.
    const bomb = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(Buffer.alloc(1000))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    expect(await inspectContent(bomb, 'image/png')).toEqual({ contentType: 'application/octet-stream' });
  });

  it('keeps other picture kinds it recognises as files without a preview', async () => {
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(16)]);
    expect(await inspectContent(heic, 'image/heic')).toEqual({ contentType: 'image/heic' });
  });
});
