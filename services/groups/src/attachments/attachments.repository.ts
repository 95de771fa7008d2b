import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose, { type Connection } from 'mongoose';
import type { AttachmentRecord } from './attachment.model.js';

const { Binary, GridFSBucket, ObjectId } = mongoose.mongo;

/** The GridFS file's metadata: the record (but its id, which is the file's) and the thumbnail's bytes. */
interface FileMetadata {
  chatId: string;
  uploaderId: string;
  name: string;
  contentType: string;
  size: number;
  width?: number;
  height?: number;
  usedBy: string | null;
  thumbnail?: InstanceType<typeof Binary>;
}

export interface FoundAttachment {
  record: AttachmentRecord;
  thumbnail: Buffer | null;
}

const isMissing = (error: unknown) => (error as { code?: unknown } | null)?.code === 'ENOENT';

/**
 * Attachments in the store, as GridFS files of the bucket `attachments` (`attachments.files` and
 * `attachments.chunks`), each under its attachment id. Saving is inserts only (the chunks, then the files
 * document); the thumbnail, a few kilobytes, rides in the files document's metadata, so refilling the cache
 * reads that one document and never the chunks.
 */
export class AttachmentsRepository {
  private readonly bucket: InstanceType<typeof GridFSBucket>;

  constructor(db: Connection) {
    if (!db.db) throw new Error('attachments need a connected store');
    this.bucket = new GridFSBucket(db.db, { bucketName: 'attachments' });
  }

  async save(record: AttachmentRecord, bytes: Buffer, thumbnail: Buffer | null): Promise<void> {
    const { id, hasThumbnail, ...fields } = record;
    const metadata: FileMetadata = { ...fields, ...(hasThumbnail && thumbnail ? { thumbnail: new Binary(thumbnail) } : {}) };
    const upload = this.bucket.openUploadStreamWithId(new ObjectId(id), record.name, { metadata });
    try {
      await pipeline(Readable.from([bytes]), upload);
    } catch (error) {
      await upload.abort().catch(() => undefined);
      throw error;
    }
  }

  /** The files document alone: the record and the thumbnail, without a chunk. */
  async find(id: string): Promise<FoundAttachment | null> {
    const file = await this.bucket.find({ _id: new ObjectId(id) }, { limit: 1 }).next();
    const meta = file?.metadata as FileMetadata | undefined;
    if (!file || !meta) return null;
    const { thumbnail, ...fields } = meta;
    return {
      record: { id, ...fields, usedBy: fields.usedBy ?? null, hasThumbnail: thumbnail !== undefined },
      thumbnail: thumbnail ? Buffer.from(thumbnail.value()) : null,
    };
  }

  /** The file's bytes, or null when there is no such file. */
  async read(id: string): Promise<Buffer | null> {
    const parts: Buffer[] = [];
    try {
      for await (const part of this.bucket.openDownloadStream(new ObjectId(id))) parts.push(part as Buffer);
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    return Buffer.concat(parts);
  }

  /** Removes the files document and every chunk; a file already gone is not an error. */
  async delete(id: string): Promise<void> {
    try {
      await this.bucket.delete(new ObjectId(id));
    } catch (error) {
      if (!(error instanceof mongoose.mongo.MongoRuntimeError && /not found/i.test(error.message))) throw error;
    }
  }
}
