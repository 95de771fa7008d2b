import sharp from 'sharp';
import { ServiceError } from '../errors.js';

const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif']);
export const AVATAR_SIZE = 256;

const unprocessable = (message: string) =>
  new ServiceError('UNPROCESSABLE_IMAGE', message, { fields: [{ path: 'image', location: 'body', message }] });

/**
 * Turns an uploaded file into the stored avatar: the type is read from the bytes (never from a
 * header or a file name), the image is fully decoded, and re-encoded as a 256×256 WebP, so
 * whatever else the file carried (metadata, a payload after the image, animation) is gone.
 */
export const toAvatarWebp = async (input: Buffer): Promise<Buffer> => {
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
