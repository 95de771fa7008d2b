/** The Redis keys of attachments. Each is about one file, so none needs a chat's hash tag. */
export const attachmentKey = {
  /** Hash: what the send path and the download route need to know about an upload (see AttachmentRecord). */
  record: (attachmentId: string) => `attachment:{${attachmentId}}:record`,
  /** The thumbnail's WebP bytes: a chat full of pictures is served from here, never from the store. */
  thumbnail: (attachmentId: string) => `attachment:{${attachmentId}}:thumbnail`,
} as const;

/** Sorted set of uploads no send has claimed yet (`<chatId>:<attachmentId>` by upload time): the janitor's list. */
export const UNCLAIMED_UPLOADS = 'attachments:unclaimed';

/** How long both live without being read back; a miss refills them from the store. */
export const ATTACHMENT_CACHE_SECONDS = 30 * 86_400;
