import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { us_listen_socket } from 'uWebSockets.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUws } from '../uws.js';
import { compressedForms, pickEncoding } from './encodings.js';
import { StaticFiles } from './static-files.js';

describe('pickEncoding', () => {
  const both = new Set(['br', 'gzip'] as const);
  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0.5, gzip;q=1', 'br'],
    ['*', 'br'],
    ['identity', undefined],
    ['', undefined],
    ['gzip;q=0, br;q=0', undefined],
  ])('%j → %j', (header, expected) => expect(pickEncoding(header, both)).toBe(expected));

  it('answers only with a form it has', () => {
    expect(pickEncoding('br, gzip', new Set(['gzip'] as const))).toBe('gzip');
    expect(pickEncoding('br', new Set(['gzip'] as const))).toBeUndefined();
  });
});

describe('compressedForms', () => {
  it('uses what the build wrote, makes what it did not, and keeps none that saves less than a tenth', () => {
    const text = Buffer.from('const x = 1;\n'.repeat(500));
    const prebuilt = brotliCompressSync(text);
    const forms = compressedForms(text, { br: prebuilt });
    expect(forms.get('br')).toBe(prebuilt);
    expect(gunzipSync(forms.get('gzip')!).equals(text)).toBe(true);
    expect(compressedForms(Buffer.from('tiny'), {}).size).toBe(0);
  });
});

describe('StaticFiles over HTTP', () => {
  const uws = loadUws({});
  let listen: us_listen_socket;
  let base: string;
  const js = 'console.log("the messenger");\n'.repeat(400);
  const html = `<!doctype html><html><body>${'<p>hello</p>'.repeat(200)}</body></html>`;

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'static-'));
    mkdirSync(join(root, 'media'));
    writeFileSync(join(root, 'index.html'), html);
    writeFileSync(join(root, 'main-ABCDEF12.js'), js);
    // As the build writes it: a brotli form beside the bundle (the gateway makes the gzip form itself).
    writeFileSync(join(root, 'main-ABCDEF12.js.br'), brotliCompressSync(js));
    writeFileSync(join(root, 'media', 'logo.png'), Buffer.alloc(4000, 7));
    const files = new StaticFiles(root);
    const app = uws.App().get('/*', files.handler);
    await new Promise<void>((resolve) =>
      app.listen('127.0.0.1', 0, (socket) => {
        listen = socket;
        resolve();
      }),
    );
    base = `http://127.0.0.1:${uws.us_socket_local_port(listen)}`;
  });
  afterAll(() => uws.us_listen_socket_close(listen));

  // fetch would decompress by itself and hide the encoding: ask with node:http's plain view instead.
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const { request } = await import('node:http');
    return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      request(`${base}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res
          .on('data', (c: Buffer) => chunks.push(c))
          .on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
  };

  it('sends a hashed bundle in the brotli form the build wrote, cached for a year, varying by encoding', async () => {
    const res = await get('/main-ABCDEF12.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['vary']).toBe('accept-encoding');
    expect(res.headers['cache-control']).toContain('immutable');
    expect(brotliDecompressSync(res.body).toString()).toBe(js);
    expect(res.body.length).toBeLessThan(js.length / 10);
  });

  it('falls back to gzip, then to the plain bytes, and gives each form its own ETag', async () => {
    const gz = await get('/index.html', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(html);
    const plain = await get('/index.html');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(html);
    expect(plain.headers['etag']).not.toBe(gz.headers['etag']);
    // A revalidation is answered for the form asked about.
    expect((await get('/index.html', { 'accept-encoding': 'gzip', 'if-none-match': String(gz.headers['etag']) })).status).toBe(304);
    expect((await get('/index.html', { 'if-none-match': String(gz.headers['etag']) })).status).toBe(200);
  });

  it('leaves images alone and does not serve the compressed forms as files of their own', async () => {
    const png = await get('/media/logo.png', { 'accept-encoding': 'br, gzip' });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers['vary']).toBeUndefined();
    expect(png.body.length).toBe(4000);
    expect((await get('/main-ABCDEF12.js.br')).status).toBe(404);
  });
});
