import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Attachment } from '@messenger/contracts';
import type { StoredAttachment } from './attachment.model.js';

const DAY_MS = 86_400_000;
/** How long a handed-out URL opens its file, at least. */
export const ATTACHMENT_URL_DAYS = 30;

export type AttachmentPart = 'file' | 'thumbnail';

/**
 * Signed URLs for attachments, like group pictures' (chats/avatar-url.ts): an <img> tag or a download link
 * sends no bearer token, so the URL is the permission, handed only to members inside a message. A URL
 * opens its file for 30 to 31 days: the expiry is a UTC midnight, so every view made the same day carries
 * the same URL and browsers keep the copy they have. The file and its thumbnail are signed apart.
 */
export class AttachmentUrlSigner {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  private sign(part: AttachmentPart, chatId: string, attachmentId: string, expiresAt: number): string {
    return createHmac('sha256', this.secret)
      .update(`attachment:${part}:${chatId}:${attachmentId}:${expiresAt}`)
      .digest('base64url')
      .slice(0, 32);
  }

  /** The public view of a stored attachment, with fresh URLs. */
  view(chatId: string, stored: StoredAttachment): Attachment {
    const expiresAt = ((Math.floor(this.now() / DAY_MS) + ATTACHMENT_URL_DAYS + 1) * DAY_MS) / 1000;
    const path = `/api/chats/${chatId}/attachments/${stored.id}`;
    const query = (part: AttachmentPart) => `?exp=${expiresAt}&sig=${this.sign(part, chatId, stored.id, expiresAt)}`;
    return {
      id: stored.id,
      name: stored.name,
      size: stored.size,
      contentType: stored.contentType,
      ...(stored.width !== undefined ? { width: stored.width } : {}),
      ...(stored.height !== undefined ? { height: stored.height } : {}),
      url: `${path}${query('file')}`,
      thumbnailUrl: stored.hasThumbnail ? `${path}/thumbnail${query('thumbnail')}` : null,
    };
  }

  /** `expiresAt` in Unix seconds, as the URL carries it. */
  verify(part: AttachmentPart, chatId: string, attachmentId: string, expiresAt: number, signature: string): boolean {
    if (expiresAt * 1000 <= this.now()) return false;
    const expected = Buffer.from(this.sign(part, chatId, attachmentId, expiresAt));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
