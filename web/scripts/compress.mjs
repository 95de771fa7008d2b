// Writes brotli (best quality) and gzip forms beside each text file of the web build (x.js → x.js.br, x.js.gz),
// which the gateway serves to browsers that accept them. Run by `npm run build -w web`; takes a few seconds.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.map', '.webmanifest']);
const dir = process.argv[2];
if (!dir) throw new Error('usage: node scripts/compress.mjs <web build folder>');

const started = performance.now();
let plain = 0;
let brotli = 0;
let files = 0;
const walk = (folder) => {
  for (const name of readdirSync(folder)) {
    const full = join(folder, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (TEXT.has(extname(name))) {
      const body = readFileSync(full);
      const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
      const gz = gzipSync(body, { level: 9 });
      // As the gateway: a form that does not save a tenth of the bytes is not worth a second representation.
      if (br.length < body.length * 0.9) writeFileSync(`${full}.br`, br);
      if (gz.length < body.length * 0.9) writeFileSync(`${full}.gz`, gz);
      files += 1;
      plain += body.length;
      brotli += Math.min(br.length, body.length);
    }
  }
};
walk(dir);
console.log(
  `[compress] ${files} files: ${(plain / 1024).toFixed(0)} KiB → ${(brotli / 1024).toFixed(0)} KiB with brotli, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
