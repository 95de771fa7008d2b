/**
 * What is known about an upload: kept as the GridFS file's metadata in the store (written once, with the file)
 * and as a hash in Redis, which the send path and the download route read instead of the store.
 */
export interface AttachmentRecord {
  id: string;
  chatId: string;
  uploaderId: string;
  /** The uploader's file name, shown and offered when saving. */
  name: string;
  /** From the bytes: one of the four picture types, another type recognised by its signature, or octet-stream. */
  contentType: string;
  size: number;
  width?: number;
  height?: number;
  hasThumbnail: boolean;
  /** The send that carries the file (its key: see AttachmentsService.claim); null until one claims it. */
  usedBy: string | null;
}

/** A file as a message keeps it: the signed URLs are made each time it is served (they expire). */
export interface StoredAttachment {
  id: string;
  name: string;
  size: number;
  contentType: string;
  width?: number;
  height?: number;
  hasThumbnail: boolean;
}

export const storedAttachment = (record: AttachmentRecord): StoredAttachment => ({
  id: record.id,
  name: record.name,
  size: record.size,
  contentType: record.contentType,
  ...(record.width !== undefined ? { width: record.width } : {}),
  ...(record.height !== undefined ? { height: record.height } : {}),
  hasThumbnail: record.hasThumbnail,
});
