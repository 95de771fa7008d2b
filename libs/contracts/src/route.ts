import type { RateLimitName } from './rate-limits.js';
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One public HTTP route: the gateway forwards it to `subject` after checking `auth` and validating
 * params, query and body with these schemas; the OpenAPI document is generated from the same objects.
 * The service receives one object merging params, query and body (see `serviceRequest`).
 */
export interface RouteContract {
  method: HttpMethod;
  path: `/api/${string}`;
  subject: string;
  summary: string;
  tag: string;
  auth: 'required' | 'none';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  successStatus?: 200 | 201 | 204;
  /**
   * The request body is a file, not JSON: the gateway reads up to `maxBytes` raw bytes (413 above)
   * and passes them to the service base64-encoded in `field`. The service checks what the bytes are.
   */
  upload?: { field: string; maxBytes: number };
  /**
   * The service answers a file, `BinaryReply`, which the gateway sends as the response body with
   * its content type and cache policy.
   */
  binaryResponse?: boolean;
  /** Which rate limit counts this route (RATE_LIMITS); the answering service enforces it with 429 and Retry-After. */
  limit?: RateLimitName;
  /** Refresh-token cookie handling done by the gateway, so services never see HTTP. */
  refreshCookie?: 'read' | 'set' | 'read-and-set' | 'read-and-clear';
}

export const defineRoute = <R extends RouteContract>(route: R): R => route;

/** What a service returns for a `binaryResponse` route. */
export interface BinaryReply {
  contentType: string;
  dataBase64: string;
  /** Cache for a year (the URL changes when the content does), or revalidate every time. */
  cache: 'immutable' | 'revalidate';
  /** Sent as Content-Disposition: shown in the browser, or saved as a file (anything that is not a safe picture). */
  disposition?: 'inline' | 'attachment';
  /** The name offered when saving (Content-Disposition's filename). */
  filename?: string;
}
