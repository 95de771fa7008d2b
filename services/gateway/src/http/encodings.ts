import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type Encoding = 'br' | 'gzip';

/** Types worth compressing; images and fonts are compressed already. */
export const COMPRESSIBLE = /^(text\/|application\/(json|javascript|manifest\+json)|image\/svg\+xml)/;

/**
 * The encoding to answer with, from the client's Accept-Encoding: brotli where it is accepted (every browser over
 * HTTPS, and over plain HTTP on localhost), else gzip, else none. A coding given `q=0` is refused.
 */
export const pickEncoding = (acceptEncoding: string, available: { has(encoding: Encoding): boolean }): Encoding | undefined => {
  const accepted = new Set<string>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [coding, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (coding && (q === undefined || Number(q) > 0)) accepted.add(coding.trim());
  }
  for (const encoding of ['br', 'gzip'] as const)
    if (available.has(encoding) && (accepted.has(encoding) || accepted.has('*'))) return encoding;
  return undefined;
};

/**
 * The compressed forms of a file: those the build wrote beside it (`x.js.br`, `x.js.gz`: brotli at its best
 * quality, which takes seconds for the whole client) or, without them, made here at a quality that takes
 * milliseconds. A form that does not save a tenth of the bytes is not kept.
 */
export const compressedForms = (body: Buffer, prebuilt: Partial<Record<Encoding, Buffer>>): Map<Encoding, Buffer> => {
  const forms = new Map<Encoding, Buffer>();
  const br = prebuilt.br ?? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  const gzip = prebuilt.gzip ?? gzipSync(body, { level: 9 });
  if (br.length < body.length * 0.9) forms.set('br', br);
  if (gzip.length < body.length * 0.9) forms.set('gzip', gzip);
  return forms;
};
