import sharp from 'sharp';
import { Slots } from '../concurrency/slots.js';

/** The picture formats browsers show safely, by sharp's names. */
export type PictureFormat = 'jpeg' | 'png' | 'gif' | 'webp';

export interface PreviewOptions {
  /** The thumbnail fits inside a square of this many pixels (never enlarged). */
  size: number;
  /** WebP quality, 1–100. */
  quality: number;
  /** Larger pictures are not decoded (a decompression bomb, or just a huge scan). */
  maxPixels: number;
}

export type PicturePreview =
  | { outcome: 'ok'; width: number; height: number; thumbnail: Buffer }
  /** The bytes are not a picture of the expected format. */
  | { outcome: 'not-this-format' }
  /** It is one, but its header or its pixels do not decode. */
  | { outcome: 'corrupt' }
  | { outcome: 'too-large'; width: number; height: number };

/** One preview decoded at a time per process, a few waiting; more are refused with 503 (as avatars are). */
const decoding = new Slots('picture previews', 1, 8);

/**
 * Checks that `input` is a picture of `format` that decodes, and makes its WebP thumbnail. The size given is
 * the picture as shown (EXIF orientation applied); the thumbnail is the first frame of an animation.
 */
export const picturePreview = (input: Buffer, format: PictureFormat, options: PreviewOptions): Promise<PicturePreview> =>
  decoding.run(() => preview(input, format, options));

const preview = async (input: Buffer, format: PictureFormat, options: PreviewOptions): Promise<PicturePreview> => {
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    return { outcome: 'not-this-format' };
  }
  if (metadata.format !== format) return { outcome: 'not-this-format' };
  const { width, height } = metadata.autoOrient;
  if (!width || !height) return { outcome: 'corrupt' };
  if (width * height > options.maxPixels) return { outcome: 'too-large', width, height };
  try {
    const thumbnail = await sharp(input, { limitInputPixels: options.maxPixels, failOn: 'error', animated: false })
      .rotate()
      .resize(options.size, options.size, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: options.quality })
      .toBuffer();
    return { outcome: 'ok', width, height, thumbnail };
  } catch {
    return { outcome: 'corrupt' };
  }
};
