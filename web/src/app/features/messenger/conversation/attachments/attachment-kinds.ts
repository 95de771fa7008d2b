import type { Attachment } from '@messenger/contracts';

/** Images the server made a thumbnail for show inline; anything else is a file card. */
export const isInlineImage = (attachment: Attachment): boolean => attachment.contentType.startsWith('image/') && attachment.thumbnailUrl !== null;

/** A thumbnail's box: the image's own proportions within `max` on each side, known before it loads. */
export const thumbnailBox = (attachment: Attachment, max: number): { width: number; height: number } => {
  const width = attachment.width ?? 4;
  const height = attachment.height ?? 3;
  const scale = Math.min(1, max / width, max / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
};
