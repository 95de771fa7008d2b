import type { Redis } from 'ioredis';
import type { AttachmentRecord } from './attachment.model.js';
import { ATTACHMENT_CACHE_SECONDS, attachmentKey, UNCLAIMED_UPLOADS } from './attachment-keys.js';

// Takes (and removes) up to ARGV[2] uploads made before ARGV[1]: two replicas sweeping at once never take the same one.
const TAKE_UNCLAIMED = `
local taken = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #taken > 0 then redis.call('ZREM', KEYS[1], unpack(taken)) end
return taken`;

/**
 * Marks an upload as carried by one send. 1: marked now or already by this send; 0: another send has it;
 * -1: the record is not in Redis (the caller reloads it from the store and asks again).
 */
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local used = redis.call('HGET', KEYS[1], 'usedBy')
if used and used ~= '' and used ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'usedBy', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
`;

const toHash = (record: AttachmentRecord): Record<string, string> => ({
  chatId: record.chatId,
  uploaderId: record.uploaderId,
  name: record.name,
  contentType: record.contentType,
  size: String(record.size),
  ...(record.width !== undefined ? { width: String(record.width) } : {}),
  ...(record.height !== undefined ? { height: String(record.height) } : {}),
  hasThumbnail: record.hasThumbnail ? '1' : '0',
  usedBy: record.usedBy ?? '',
});

const fromHash = (id: string, hash: Record<string, string>): AttachmentRecord | null => {
  if (!hash.chatId || !hash.uploaderId || hash.name === undefined || !hash.contentType) return null;
  return {
    id,
    chatId: hash.chatId,
    uploaderId: hash.uploaderId,
    name: hash.name,
    contentType: hash.contentType,
    size: Number(hash.size),
    ...(hash.width ? { width: Number(hash.width) } : {}),
    ...(hash.height ? { height: Number(hash.height) } : {}),
    hasThumbnail: hash.hasThumbnail === '1',
    usedBy: hash.usedBy || null,
  };
};

/**
 * What the hot paths read instead of the store: a hash per upload (sending a message claims it from here)
 * and each thumbnail's bytes (a page of pictures is 20 thumbnails). Both expire when unread for a month
 * and are refilled from the store on a miss, so losing Redis costs reads, not files.
 */
export class AttachmentCache {
  constructor(private readonly redis: Redis) {}

  async remember(record: AttachmentRecord, thumbnail: Buffer | null): Promise<void> {
    const key = attachmentKey.record(record.id);
    const multi = this.redis.multi().del(key).hset(key, toHash(record)).expire(key, ATTACHMENT_CACHE_SECONDS);
    if (thumbnail) multi.set(attachmentKey.thumbnail(record.id), thumbnail, 'EX', ATTACHMENT_CACHE_SECONDS);
    await multi.exec();
  }

  async rememberThumbnail(id: string, thumbnail: Buffer): Promise<void> {
    await this.redis.set(attachmentKey.thumbnail(id), thumbnail, 'EX', ATTACHMENT_CACHE_SECONDS);
  }

  /** In the order asked; null where Redis does not have it. */
  async records(ids: readonly string[]): Promise<(AttachmentRecord | null)[]> {
    if (!ids.length) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(attachmentKey.record(id));
    const results = (await pipeline.exec()) ?? [];
    return ids.map((id, i) => {
      const [error, hash] = results[i] ?? [null, null];
      return error || !hash ? null : fromHash(id, hash as Record<string, string>);
    });
  }

  thumbnail(id: string): Promise<Buffer | null> {
    return this.redis.getBuffer(attachmentKey.thumbnail(id));
  }

  /** See CLAIM: 1 claimed by `sendKey`, 0 taken by another send, -1 not cached. */
  async claim(id: string, sendKey: string): Promise<1 | 0 | -1> {
    return (await this.redis.eval(CLAIM, 1, attachmentKey.record(id), sendKey, ATTACHMENT_CACHE_SECONDS)) as 1 | 0 | -1;
  }

  /** An upload waits for a send to claim it; one never claimed is swept after a while (AttachmentJanitor). */
  async awaitClaim(chatId: string, id: string, at: number): Promise<void> {
    await this.redis.zadd(UNCLAIMED_UPLOADS, at, `${chatId}:${id}`);
  }

  async claimed(chatId: string, id: string): Promise<void> {
    await this.redis.zrem(UNCLAIMED_UPLOADS, `${chatId}:${id}`);
  }

  /** Uploads made before `before` that no send claimed, taken off the list. */
  async takeUnclaimed(before: number, limit: number): Promise<{ chatId: string; id: string }[]> {
    const taken = (await this.redis.eval(TAKE_UNCLAIMED, 1, UNCLAIMED_UPLOADS, String(before), String(limit))) as string[];
    return taken.map((entry) => {
      const [chatId, id] = entry.split(':') as [string, string];
      return { chatId, id };
    });
  }

  async forget(id: string): Promise<void> {
    await this.redis.del(attachmentKey.record(id), attachmentKey.thumbnail(id));
  }
}
