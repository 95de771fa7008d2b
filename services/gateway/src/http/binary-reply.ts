import type { BinaryReply } from '@messenger/contracts';
import type { Reply } from './reply.js';

/** Whatever a file is, it is never run as a page here (GitHub's raw files carry the same policy). */
export const FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/** RFC 5987 `ext-value` characters: what encodeURIComponent leaves, but these four. */
const encodeExtValue = (value: string) =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `attachment; filename="report_.pdf"; filename*=UTF-8''report%E2%84%96.pdf`: the UTF-8 name for every current
 * browser (RFC 6266), and a plain-ASCII one for anything older.
 */
export const contentDisposition = (disposition: 'inline' | 'attachment', filename?: string): string => {
  if (!filename) return disposition;
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(filename)}`;
};

/**
 * Sends a service's file. `X-Content-Type-Options: nosniff` is on every answer already (security-headers.ts),
 * so the browser takes the content type as given; the disposition decides whether it shows the file or saves it.
 */
export const sendBinary = (reply: Reply, response: unknown): void => {
  const file = response as Partial<BinaryReply>;
  if (typeof file?.contentType !== 'string' || typeof file.dataBase64 !== 'string')
    throw new Error('service answered a binary route without a file');
  reply.header('cache-control', file.cache === 'immutable' ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate');
  reply.header('content-security-policy', FILE_CSP);
  if (file.disposition) reply.header('content-disposition', contentDisposition(file.disposition, file.filename));
  reply.send(200, Buffer.from(file.dataBase64, 'base64'), file.contentType);
};
