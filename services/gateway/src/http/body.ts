import type { Reply } from './reply.js';

export class BodyTooLarge extends Error {}

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length over the limit is refused
 * before reading; a chunked body that grows past it is refused as soon as it does.
 */
export const readBody = (reply: Reply, declaredLength: number | undefined, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    if (declaredLength !== undefined && declaredLength > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    reply.raw.onData((chunk, isLast) => {
      if (failed) return;
      size += chunk.byteLength;
      if (size > limit) {
        failed = true;
        return reject(new BodyTooLarge());
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) resolve(Buffer.concat(chunks, size));
    });
  });
