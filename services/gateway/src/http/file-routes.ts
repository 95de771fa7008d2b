import { z } from 'zod';
import { ATTACHMENT_MAX_BYTES, SUBJECT, type RouteContract } from '@messenger/contracts';
import { loadConfig } from '@messenger/kit/edge';

/**
 * The most a file may weigh to cross NATS: it travels base64-encoded (4/3 of its size) in one message, and
 * max_payload is 48 MB (libs/kit/src/servers/nats-server.ts and deploy's nats.conf files); 32 MiB leaves room for the
 * request's envelope, and for the reply of a download, which carries the file back the same way.
 */
export const MOST_A_FILE_MAY_WEIGH = 32 * 1024 * 1024;

export const FileRoutesConfig = z.object({
  /** The most an attachment may weigh; more is refused with 413 before the body is read. */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(MOST_A_FILE_MAY_WEIGH).default(ATTACHMENT_MAX_BYTES),
  /** How long an upload or a file download may take in the service (decoding, storing, reading the store). */
  FILE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
});
export type FileRoutesConfig = z.infer<typeof FileRoutesConfig>;

/** Routes that carry a file in or out: their limits differ from the JSON routes'. */
export class FileRoutes {
  constructor(private readonly config: FileRoutesConfig) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): FileRoutes {
    return new FileRoutes(loadConfig(FileRoutesConfig, env));
  }

  /** The upload limit: the contract's, but for attachments, which the operator sets (ATTACHMENT_MAX_BYTES). */
  maxBytes(route: RouteContract & { upload: { maxBytes: number } }): number {
    return route.subject === SUBJECT.groups.uploadAttachment ? this.config.ATTACHMENT_MAX_BYTES : route.upload.maxBytes;
  }

  /**
   * Where the service is told the Content-Type the client sent, for routes whose schema takes it (an attachment
   * may be any kind of file; the service checks the claim against the bytes). Avatars are pictures and say nothing.
   */
  declaredTypeField(route: RouteContract): string | undefined {
    return route.subject === SUBJECT.groups.uploadAttachment ? 'contentType' : undefined;
  }

  timeoutMs(route: RouteContract, usual: number): number {
    return route.upload || route.binaryResponse ? Math.max(usual, this.config.FILE_REQUEST_TIMEOUT_MS) : usual;
  }
}

const MIB = 1024 * 1024;

/** "25 MiB (26214400 bytes)": what a 413 says the limit is. */
export const describeLimit = (bytes: number): string =>
  bytes % MIB === 0
    ? `${bytes / MIB} MiB (${bytes} bytes)`
    : bytes >= MIB
      ? `${(bytes / MIB).toFixed(1)} MiB (${bytes} bytes)`
      : `${bytes} bytes`;
