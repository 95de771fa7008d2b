import sharp from 'sharp';
import { Slots } from '../concurrency/slots.js';
import { ServiceError } from '../errors.js';

const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif']);
export const AVATAR_SIZE = 256;

const unprocessable = (message: string) =>
  new ServiceError('UNPROCESSABLE_IMAGE', message, { fields: [{ path: 'image', location: 'body', message }] });

/**
 * Pictures are decoded one at a time per process (sharp runs on libuv's threads, which password hashing and
 * file I/O share), with a few waiting; more are refused with 503 rather than queued without end.
 */
const decoding = new Slots('picture decoding', 1, 8);

/**
 * Turns an uploaded file into the stored avatar: the type is read from the bytes (never from a
 * header or a file name), the image is fully decoded, and re-encoded as a 256×256 WebP, so
 * whatever else the file carried (metadata, a payload after the image, animation) is gone.
 */
export const toAvatarWebp = (input: Buffer): Promise<Buffer> => decoding.run(() => decode(input));

const decode = async (input: Buffer): Promise<Buffer> => {
  let format: string | undefined;
  try {
    // A decompression bomb (a small file that decodes to gigapixels) is refused before decoding.
    format = (await sharp(input, { limitInputPixels: 40_000_000 }).metadata()).format;
  } catch {
    throw unprocessable('the file is not an image');
  }
  if (!format || !ACCEPTED.has(format)) throw unprocessable('only JPEG, PNG, WebP and GIF images are accepted');
  try {
    return await sharp(input, { limitInputPixels: 40_000_000, failOn: 'error', animated: false })
      .rotate()
      .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover', position: 'attention' })
      .webp({ quality: 82 })
      .toBuffer();
  } catch {
    throw unprocessable('the image is corrupt');
  }
};
