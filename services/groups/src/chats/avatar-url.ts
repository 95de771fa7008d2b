import { createHmac, timingSafeEqual } from 'node:crypto';

const DAY_MS = 86_400_000;

/**
 * Signed URLs for group pictures. An <img> tag sends no bearer token, so the URL itself is the
 * permission: only members are handed it (inside the chat), and ids alone cannot be turned into one.
 * A URL stops working one to two days after it is handed out, so one that leaks (a shared screenshot of
 * devtools, a log) or was handed to a member since removed is not a permission for ever. The expiry is
 * the end of tomorrow (UTC), so the URL of a picture stays the same all day and browsers keep their copy.
 */
export class AvatarUrlSigner {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  private sign(chatId: string, version: number, expiresAt: number): string {
    return createHmac('sha256', this.secret).update(`chat-avatar:${chatId}:${version}:${expiresAt}`).digest('base64url').slice(0, 32);
  }

  url(chatId: string, version: number | null): string | null {
    if (version === null) return null;
    const expiresAt = ((Math.floor(this.now() / DAY_MS) + 2) * DAY_MS) / 1000;
    return `/api/chats/${chatId}/avatar?v=${version}&exp=${expiresAt}&sig=${this.sign(chatId, version, expiresAt)}`;
  }

  /** `expiresAt` in Unix seconds, as the URL carries it. */
  verify(chatId: string, version: number, expiresAt: number, signature: string): boolean {
    if (expiresAt * 1000 <= this.now()) return false;
    const expected = Buffer.from(this.sign(chatId, version, expiresAt));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
