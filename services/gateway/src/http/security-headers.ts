import type { Reply } from './reply.js';

/** Headers on every response; the CSP only matters for HTML but costs nothing elsewhere. */
export const applySecurityHeaders = (reply: Reply, requestId: string): void => {
  reply
    .header('x-request-id', requestId)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('permissions-policy', 'camera=(self), microphone=(self), display-capture=(self), geolocation=()');
};

export const HTML_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' ws: wss:; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
