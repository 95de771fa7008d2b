import type { Reply } from './reply.js';

/** CORS for the configured origins only; other origins get no CORS headers, so browsers block them. */
export class CorsPolicy {
  private readonly origins: Set<string>;
  constructor(list: string) {
    this.origins = new Set(
      list
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    );
  }

  allows(origin: string): boolean {
    return this.origins.has(origin);
  }

  apply(reply: Reply, origin: string): void {
    reply.header('vary', 'Origin');
    if (!origin || !this.allows(origin)) return;
    reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true');
  }

  /** Answers an OPTIONS request; `apply` has already run for it. */
  preflight(reply: Reply, origin: string): void {
    if (!this.allows(origin)) return reply.fail('FORBIDDEN', 'origin not allowed');
    reply
      .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE')
      .header('access-control-allow-headers', 'authorization, content-type, x-request-id, traceparent, tracestate')
      .header('access-control-max-age', '600')
      .send(204, undefined);
  }
}
