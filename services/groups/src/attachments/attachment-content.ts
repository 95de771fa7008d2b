import { picturePreview, ServiceError, type PictureFormat } from '@messenger/kit';
import { looksLikeMarkup, otherType, pictureType, type PictureType } from './file-signature.js';

export const THUMBNAIL_SIZE = 320;
/** Larger pictures are kept as plain files (a download, no preview) rather than decoded here. */
export const MAX_PICTURE_PIXELS = 64_000_000;

const FORMAT: Record<PictureType, PictureFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

export interface InspectedContent {
  /** From the bytes, never from the uploader's word. */
  contentType: string;
  /** For a picture that decodes: its size as shown (EXIF orientation applied) and a WebP thumbnail. */
  picture?: { width: number; height: number; thumbnail: Buffer };
}

const unsupported = (message: string) =>
  new ServiceError('UNSUPPORTED_MEDIA_TYPE', message, { fields: [{ path: 'file', location: 'body', message }] });

/**
 * What an upload is. Any bytes are accepted as a file; but a file that is, or says it is, a picture must be
 * one of the four kinds browsers show safely (JPEG, PNG, WebP, GIF) and must decode: SVG and HTML sent as
 * images, and bytes that only start like a picture, are refused with UNSUPPORTED_MEDIA_TYPE, so nothing the
 * client puts in an <img> is ever markup. Other picture kinds recognised by their bytes (HEIC, AVIF, TIFF)
 * are kept as files without a preview.
 */
export const inspectContent = async (bytes: Buffer, declared?: string): Promise<InspectedContent> => {
  const picture = pictureType(bytes);
  if (picture) return previewed(bytes, picture);
  const other = otherType(bytes);
  const saysImage = declared?.trim().toLowerCase().startsWith('image/') ?? false;
  if (saysImage && !other?.startsWith('image/'))
    throw unsupported(
      looksLikeMarkup(bytes)
        ? 'SVG and HTML are not accepted as images: send a JPEG, PNG, WebP or GIF picture, or send it as a file'
        : `the file is sent as ${declared!.trim()} but is not a JPEG, PNG, WebP or GIF picture`,
    );
  return { contentType: other ?? 'application/octet-stream' };
};

const previewed = async (bytes: Buffer, type: PictureType): Promise<InspectedContent> => {
  const kind = FORMAT[type].toUpperCase();
  const preview = await picturePreview(bytes, FORMAT[type], { size: THUMBNAIL_SIZE, quality: 70, maxPixels: MAX_PICTURE_PIXELS });
  switch (preview.outcome) {
    case 'ok':
      return { contentType: type, picture: { width: preview.width, height: preview.height, thumbnail: preview.thumbnail } };
    case 'too-large':
      return { contentType: 'application/octet-stream' };
    case 'not-this-format':
      throw unsupported(`the file starts like a ${kind} picture but is not one`);
    case 'corrupt':
      throw unsupported(`the ${kind} picture does not decode`);
  }
};
