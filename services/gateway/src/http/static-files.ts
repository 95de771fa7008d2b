import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { Reply } from './reply.js';
import { applySecurityHeaders, HTML_CSP } from './security-headers.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
  immutable: boolean;
}

/**
 * Serves the Angular build from memory (it is a few hundred KB): hashed bundles are cached for a
 * year, index.html is revalidated every time, and unknown paths get index.html so deep links work.
 */
export class StaticFiles {
  private readonly files = new Map<string, StaticFile>();

  constructor(root: string | undefined) {
    if (!root || !existsSync(root)) return;
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else {
          const body = readFileSync(full);
          const path = `/${relative(root, full).split('\\').join('/')}`;
          this.files.set(path, {
            body,
            type: TYPES[extname(name)] ?? 'application/octet-stream',
            etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
            immutable: /[.-][A-Z0-9]{8,}\.(js|css|woff2)$/i.test(name),
          });
        }
      }
    };
    walk(root);
  }

  get available(): boolean {
    return this.files.has('/index.html');
  }

  handler = (res: HttpResponse, req: HttpRequest) => {
    const path = req.getUrl();
    const ifNoneMatch = req.getHeader('if-none-match');
    const reply = new Reply(res);
    applySecurityHeaders(reply, crypto.randomUUID());
    const file = this.files.get(path) ?? (extname(path) ? undefined : this.files.get('/index.html'));
    if (!file) return reply.fail('ROUTE_NOT_FOUND', `no file ${path}`);
    reply.header('etag', file.etag).header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (file.type.startsWith('text/html')) reply.header('content-security-policy', HTML_CSP);
    if (ifNoneMatch === file.etag) return reply.send(304, undefined);
    reply.send(200, file.body, file.type);
  };
}
