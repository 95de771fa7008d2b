/**
 * The type a file's first bytes declare, for the few kinds people send most. Only pictures decide anything
 * (they must decode, and get a thumbnail); the other labels only tell the client which icon to show, since
 * everything but a picture is served as a download. A small table rather than a dependency for that.
 */
export const PICTURE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
export type PictureType = (typeof PICTURE_TYPES)[number];

const at = (bytes: Buffer, offset: number, signature: string | number[]): boolean => {
  const expected = typeof signature === 'string' ? Buffer.from(signature, 'latin1') : Buffer.from(signature);
  return bytes.length >= offset + expected.length && bytes.subarray(offset, offset + expected.length).equals(expected);
};

export const pictureType = (bytes: Buffer): PictureType | null => {
  if (at(bytes, 0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (at(bytes, 0, 'GIF87a') || at(bytes, 0, 'GIF89a')) return 'image/gif';
  if (at(bytes, 0, 'RIFF') && at(bytes, 8, 'WEBP')) return 'image/webp';
  return null;
};

/** ISO base media (MP4, QuickTime, HEIF): the major brand after `ftyp` names the kind. */
const isoMediaType = (bytes: Buffer): string | null => {
  if (!at(bytes, 4, 'ftyp') || bytes.length < 12) return null;
  const brand = bytes.subarray(8, 12).toString('latin1');
  if (brand === 'qt  ') return 'video/quicktime';
  if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) return 'image/heic';
  if (brand === 'avif' || brand === 'avis') return 'image/avif';
  if (brand.startsWith('M4A')) return 'audio/mp4';
  return 'video/mp4';
};

export const otherType = (bytes: Buffer): string | null => {
  if (at(bytes, 0, '%PDF-')) return 'application/pdf';
  if (at(bytes, 0, 'PK\x03\x04') || at(bytes, 0, 'PK\x05\x06')) return 'application/zip';
  if (at(bytes, 0, [0x1f, 0x8b])) return 'application/gzip';
  if (at(bytes, 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'application/x-7z-compressed';
  if (at(bytes, 0, 'Rar!\x1a\x07')) return 'application/vnd.rar';
  if (at(bytes, 0, 'OggS')) return 'audio/ogg';
  if (at(bytes, 0, 'fLaC')) return 'audio/flac';
  if (at(bytes, 0, 'ID3')) return 'audio/mpeg';
  if (at(bytes, 0, 'RIFF') && at(bytes, 8, 'WAVE')) return 'audio/wav';
  if (at(bytes, 0, [0x1a, 0x45, 0xdf, 0xa3])) return bytes.subarray(0, 64).includes('webm') ? 'video/webm' : 'video/x-matroska';
  if (at(bytes, 0, 'II*\x00') || at(bytes, 0, 'MM\x00*')) return 'image/tiff';
  return isoMediaType(bytes);
};

/** Text that a browser would run as a page or an SVG: `<` first, after a byte-order mark and blanks. */
export const looksLikeMarkup = (bytes: Buffer): boolean => /^(\uFEFF)?\s*</.test(bytes.subarray(0, 1024).toString('utf8'));
