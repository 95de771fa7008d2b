import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { COMPRESSIBLE, compressedForms, pickEncoding, type Encoding } from './encodings.js';
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
  /** Brotli and gzip forms, each with its own ETag (a strong validator names one representation). */
  compressed: Map<Encoding, { body: Buffer; etag: string }>;
}

const PREBUILT: Record<string, Encoding> = { '.br': 'br', '.gz': 'gzip' };

/**
 * Serves the Angular build from memory (it is a few hundred KB): hashed bundles are cached for a
 * year, index.html is revalidated every time, and unknown paths get index.html so deep links work.
 * Text is sent brotli- or gzip-compressed as the browser accepts (`Vary: Accept-Encoding`), from forms the build
 * wrote beside each file (`npm run build -w web` runs web/scripts/compress.mjs) or made once at start.
 */
export class StaticFiles {
  private readonly files = new Map<string, StaticFile>();

  constructor(root: string | undefined) {
    if (!root || !existsSync(root)) return;
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (PREBUILT[extname(name)] && existsSync(full.slice(0, -extname(name).length)))
          continue; // a form of a file
        else {
          const body = readFileSync(full);
          const path = `/${relative(root, full).split('\\').join('/')}`;
          const type = TYPES[extname(name)] ?? 'application/octet-stream';
          const hash = createHash('sha1').update(body).digest('base64url');
          const prebuilt: Partial<Record<Encoding, Buffer>> = {};
          for (const [suffix, encoding] of Object.entries(PREBUILT))
            if (existsSync(full + suffix)) prebuilt[encoding] = readFileSync(full + suffix);
          const forms = COMPRESSIBLE.test(type) ? compressedForms(body, prebuilt) : new Map<Encoding, Buffer>();
          this.files.set(path, {
            body,
            type,
            etag: `"${hash}"`,
            immutable: /[.-][A-Z0-9]{8,}\.(js|css|woff2)$/i.test(name),
            compressed: new Map([...forms].map(([encoding, form]) => [encoding, { body: form, etag: `"${hash}-${encoding}"` }])),
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
    const acceptEncoding = req.getHeader('accept-encoding');
    const reply = new Reply(res);
    applySecurityHeaders(reply, crypto.randomUUID());
    const file = this.files.get(path) ?? (extname(path) ? undefined : this.files.get('/index.html'));
    if (!file) return reply.fail('ROUTE_NOT_FOUND', `no file ${path}`);
    const encoding = file.compressed.size ? pickEncoding(acceptEncoding, file.compressed) : undefined;
    const chosen = encoding ? file.compressed.get(encoding)! : file;
    reply.header('etag', chosen.etag).header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (file.compressed.size) reply.header('vary', 'accept-encoding');
    if (file.type.startsWith('text/html')) reply.header('content-security-policy', HTML_CSP);
    if (ifNoneMatch === chosen.etag) return reply.send(304, undefined);
    if (encoding) reply.header('content-encoding', encoding);
    reply.send(200, chosen.body, file.type);
  };
}
