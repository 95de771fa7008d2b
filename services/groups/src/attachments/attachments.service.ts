import mongoose from 'mongoose';
import type { Attachment, BinaryReply } from '@messenger/contracts';
import { notFound, ServiceError, type Logger } from '@messenger/kit';
import { requirePermission } from '../chats/chat-access.js';
import type { ChatState } from '../chats/chat-state.js';
import { inspectContent } from './attachment-content.js';
import type { AttachmentCache } from './attachment-cache.js';
import { storedAttachment, type AttachmentRecord, type StoredAttachment } from './attachment.model.js';
import type { AttachmentUrlSigner } from './attachment-urls.js';
import type { AttachmentsRepository } from './attachments.repository.js';
import { PICTURE_TYPES } from './file-signature.js';

export interface UploadInput {
  fileBase64: string;
  filename: string;
  /** What the uploader says the file is: only a claim to check (see inspectContent). */
  contentType?: string;
}

const INLINE = new Set<string>(PICTURE_TYPES);

const notYours = (index: number) =>
  new ServiceError('VALIDATION_FAILED', `invalid attachmentIds: item ${index} is not a file you uploaded to this chat`, {
    fields: [{ path: 'attachmentIds', location: 'body', message: `item ${index} is not a file you uploaded to this chat` }],
  });
const takenByAnother = (index: number) =>
  new ServiceError('VALIDATION_FAILED', `invalid attachmentIds: item ${index} is sent with another message already`, {
    fields: [{ path: 'attachmentIds', location: 'body', message: `item ${index} is sent with another message already` }],
  });

/** "Folder/name.pdf" from a drag-and-drop keeps its name only. */
const baseName = (filename: string) => filename.split(/[\\/]/).pop()?.trim() || 'file';

/**
 * Files sent with messages. A member who may post uploads a file first (stored, with a thumbnail for a
 * picture) and gets its id; the send that carries it claims it; deleting the message discards it. Files are
 * read through signed URLs, which are the permission. The store sees an upload's inserts, a download's reads
 * and a discard's deletes; sending and thumbnails are served from Redis.
 */
export class AttachmentsService {
  constructor(
    private readonly state: ChatState,
    private readonly files: AttachmentsRepository,
    private readonly cache: AttachmentCache,
    private readonly urls: AttachmentUrlSigner,
    private readonly logger: Logger,
  ) {}

  async upload(userId: string, chatId: string, input: UploadInput): Promise<Attachment> {
    requirePermission(await this.state.access(chatId, userId), 'post');
    const bytes = Buffer.from(input.fileBase64, 'base64');
    if (!bytes.length)
      throw new ServiceError('VALIDATION_FAILED', 'the file is empty', {
        fields: [{ path: 'file', location: 'body', message: 'is empty' }],
      });
    const content = await inspectContent(bytes, input.contentType);
    const record: AttachmentRecord = {
      id: new mongoose.Types.ObjectId().toHexString(),
      chatId,
      uploaderId: userId,
      name: baseName(input.filename),
      contentType: content.contentType,
      size: bytes.length,
      ...(content.picture ? { width: content.picture.width, height: content.picture.height } : {}),
      hasThumbnail: content.picture !== undefined,
      usedBy: null,
    };
    const thumbnail = content.picture?.thumbnail ?? null;
    await this.files.save(record, bytes, thumbnail);
    await this.cache.remember(record, thumbnail);
    await this.cache.awaitClaim(chatId, record.id, Date.now());
    return this.urls.view(chatId, storedAttachment(record));
  }

  /**
   * Checks that each id is a file `userId` uploaded to `chatId` and returns their views, in order (an id
   * given twice counts once). Read from Redis; the store only for a record Redis lost. With `sendKey` (the
   * message's clientId or id) a file goes with one message only: the same send may claim it again (a retry),
   * another may not, so deleting one message never takes a file another still shows. Without it, claiming
   * checks and marks nothing.
   */
  async claim(userId: string, chatId: string, ids: string[], sendKey?: string): Promise<Attachment[]> {
    const unique = [...new Set(ids)];
    const records = await this.records(unique);
    records.forEach((record, i) => {
      if (!record || record.chatId !== chatId || record.uploaderId !== userId) throw notYours(ids.indexOf(unique[i]!));
    });
    if (sendKey !== undefined) {
      for (const [i, id] of unique.entries()) {
        let claimed = await this.cache.claim(id, sendKey);
        if (claimed === -1) {
          await this.cache.remember(records[i]!, null);
          claimed = await this.cache.claim(id, sendKey);
        }
        if (claimed !== 1) throw takenByAnother(ids.indexOf(id));
        await this.cache.claimed(chatId, id);
      }
    }
    return records.map((record) => this.urls.view(chatId, storedAttachment(record!)));
  }

  /** A stored attachment with fresh signed URLs (bound: pass it around as a function). */
  readonly view = (chatId: string, stored: StoredAttachment): Attachment => this.urls.view(chatId, stored);

  views(chatId: string, stored: readonly StoredAttachment[]): Attachment[] {
    return stored.map((attachment) => this.urls.view(chatId, attachment));
  }

  /** Deletes the files (a deleted message's); one that is gone already, or of another chat, is skipped. */
  async discard(chatId: string, ids: string[]): Promise<void> {
    const records = await this.records(ids);
    await Promise.all(
      records.map(async (record, i) => {
        const id = ids[i]!;
        if (record && record.chatId !== chatId) {
          this.logger.warn({ chatId, attachmentId: id, ownerChatId: record.chatId }, 'not discarding another chat’s file');
          return;
        }
        await this.cache.forget(id);
        await this.files.delete(id);
      }),
    );
  }

  /**
   * Deletes uploads made before `before` that no send claimed (a file picked and never sent, a cancelled message):
   * storage nobody can see. One a send claimed meanwhile is kept.
   */
  async sweepUnclaimed(before: number, limit = 100): Promise<number> {
    const taken = await this.cache.takeUnclaimed(before, limit);
    let removed = 0;
    for (const { chatId, id } of taken) {
      const [record] = await this.records([id]);
      if (record?.usedBy) continue;
      await this.discard(chatId, [id]);
      removed++;
    }
    return removed;
  }

  /** Public route: the signature is the permission. Pictures open in the browser; anything else downloads. */
  async download(chatId: string, attachmentId: string, expiresAt: number, signature: string): Promise<BinaryReply> {
    if (!this.urls.verify('file', chatId, attachmentId, expiresAt, signature)) throw notFound('attachment');
    const [record] = await this.records([attachmentId]);
    if (!record || record.chatId !== chatId) throw notFound('attachment');
    const bytes = await this.files.read(attachmentId);
    if (!bytes) throw notFound('attachment');
    return {
      contentType: record.contentType,
      dataBase64: bytes.toString('base64'),
      cache: 'immutable',
      disposition: INLINE.has(record.contentType) ? 'inline' : 'attachment',
      filename: record.name,
    };
  }

  /** Public route, served from Redis; a miss reads the files document (the thumbnail rides in it), never chunks. */
  async thumbnail(chatId: string, attachmentId: string, expiresAt: number, signature: string): Promise<BinaryReply> {
    if (!this.urls.verify('thumbnail', chatId, attachmentId, expiresAt, signature)) throw notFound('thumbnail');
    let thumbnail = await this.cache.thumbnail(attachmentId);
    if (!thumbnail) {
      const found = await this.files.find(attachmentId);
      if (!found || found.record.chatId !== chatId || !found.thumbnail) throw notFound('thumbnail');
      await this.cache.rememberThumbnail(attachmentId, found.thumbnail);
      thumbnail = found.thumbnail;
    }
    return { contentType: 'image/webp', dataBase64: thumbnail.toString('base64'), cache: 'immutable', disposition: 'inline' };
  }

  /** From Redis, refilling what it lost from the store. */
  private async records(ids: readonly string[]): Promise<(AttachmentRecord | null)[]> {
    const cached = await this.cache.records(ids);
    return Promise.all(
      cached.map(async (record, i) => {
        if (record) return record;
        const found = await this.files.find(ids[i]!);
        if (found) await this.cache.remember(found.record, found.thumbnail);
        return found?.record ?? null;
      }),
    );
  }
}
