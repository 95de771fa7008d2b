import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed URLs for group pictures. An <img> tag sends no bearer token, so the URL itself is the
 * permission: only members are handed it (inside the chat), and ids alone cannot be turned into one.
 */
export class AvatarUrlSigner {
  constructor(private readonly secret: string) {}

  private sign(chatId: string, version: number): string {
    return createHmac('sha256', this.secret).update(`chat-avatar:${chatId}:${version}`).digest('base64url').slice(0, 32);
  }

  url(chatId: string, version: number | null): string | null {
    return version === null ? null : `/api/chats/${chatId}/avatar?v=${version}&sig=${this.sign(chatId, version)}`;
  }

  verify(chatId: string, version: number, signature: string): boolean {
    const expected = Buffer.from(this.sign(chatId, version));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
