// A conversation page with LOAD_IMAGES (20) pictures: the time to fetch their 20 thumbnails through the gateway,
// against 20 GET /healthz on the same stack in the same run (the two interleaved, page by page), and the store
// commands each thumbnail costs (the groups service's own count: 0 when Redis serves them). Then the same page
// with Redis's thumbnails dropped, which refills them from the store.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { readStoreCommands, storeCommandsBetween } from '@messenger/kit/testing';
import { api, cpuCell, cpuMeter, pinAll, pool, stackProcesses } from '../lib/k6-harness.mjs';
import { percentile } from '../lib/proc.mjs';

process.env.LOAD_RESULTS ??= join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
const { SMOKE, report } = await import('../lib/results.mjs');
const { startLoadStack } = await import('../lib/stack.mjs');

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const IMAGES = env('LOAD_IMAGES', 20);
const PAGES = env('LOAD_PAGES', SMOKE ? 5 : 300);
const WARMUP_PAGES = SMOKE ? 1 : 20;
/** What a browser opens to one origin over HTTP/1.1. */
const CONNECTIONS = env('LOAD_CONNECTIONS_PER_PAGE', 6);

const log = (line) => process.stdout.write(`[attachments] ${line}\n`);

/**
 * A photo-like picture: coarse noise blown up, so it has detail at thumbnail scale (plain noise averages out to grey
 * when shrunk, and its thumbnail would be far lighter than a real photo's).
 */
const photo = async (i) => {
  const coarse = await sharp({ create: { width: 400, height: 300, channels: 3, noise: { type: 'gaussian', mean: 120, sigma: 50 } } })
    .png()
    .toBuffer();
  return sharp(coarse)
    .resize(1600 + 16 * i, 1200, { kernel: 'cubic' })
    .jpeg({ quality: 85 })
    .toBuffer();
};

const main = async () => {
  const stack = await startLoadStack('attachments', {
    env: { RATE_LIMITS: 'register=1000000/3600,attachment=1000000/60' },
  });
  const redis = new Redis(stack.env.REDIS_URL);
  try {
    const processes = stackProcesses(stack);
    const pinned = pinAll(processes);
    const base = stack.gatewayUrl();
    const register = async (name) =>
      api(base, 'POST', '/api/auth/register', undefined, {
        username: `att_${randomBytes(3).toString('hex')}`,
        name,
        password: 'load-test-password',
      });
    const [sender, viewer] = [await register('Sender'), await register('Viewer')];
    const chat = await api(base, 'POST', '/api/chats', sender.accessToken, { type: 'group', name: 'Photos', memberIds: [viewer.user.id] });
    const thumbnails = [];
    let uploadedBytes = 0;
    for (let i = 0; i < IMAGES; i++) {
      const bytes = await photo(i);
      uploadedBytes += bytes.length;
      const res = await fetch(`${base}/api/chats/${chat.id}/attachments?filename=photo-${i}.jpg`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sender.accessToken}`, 'content-type': 'image/jpeg' },
        body: bytes,
      });
      const body = await res.json();
      if (res.status !== 201 || !body.thumbnailUrl) throw new Error(`upload ${i}: ${res.status} ${JSON.stringify(body)}`);
      thumbnails.push(body.thumbnailUrl);
    }
    log(`${IMAGES} photos uploaded (${(uploadedBytes / 2 ** 20).toFixed(1)} MiB); pinned: ${pinned}`);

    const thumbnailBytes = (await (await fetch(`${base}${thumbnails[0]}`)).arrayBuffer()).byteLength;
    /** One page: every path fetched, CONNECTIONS at a time; its wall time in ms. */
    const page = async (paths) => {
      const started = performance.now();
      await pool(paths, CONNECTIONS, async (path) => {
        const res = await fetch(`${base}${path}`);
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
      });
      return performance.now() - started;
    };
    const healthz = Array.from({ length: IMAGES }, () => '/healthz');
    for (let i = 0; i < WARMUP_PAGES; i++) await page(thumbnails).then(() => page(healthz));

    const meter = cpuMeter(processes);
    const cpuStart = meter.read();
    const storeStart = await readStoreCommands(stack, ['groups']);
    const times = { thumbnails: [], healthz: [] };
    // Interleaved, so both see the same machine (other work on a shared box comes and goes).
    for (let i = 0; i < PAGES; i++) {
      times.thumbnails.push(await page(thumbnails));
      times.healthz.push(await page(healthz));
    }
    const usage = meter.between(cpuStart, meter.read());
    const hot = storeCommandsBetween(storeStart, await readStoreCommands(stack, ['groups']));

    // Redis lost the thumbnails (a flush, a failover, a month unread): one page refills them from the store.
    const coldPages = [];
    const coldStore = {};
    for (let i = 0; i < Math.min(PAGES, 5); i++) {
      const cached = await redis.keys('attachment:*:thumbnail');
      if (cached.length) await redis.del(...cached);
      const before = await readStoreCommands(stack, ['groups']);
      coldPages.push(await page(thumbnails));
      for (const [command, n] of Object.entries(storeCommandsBetween(before, await readStoreCommands(stack, ['groups']))))
        coldStore[command] = (coldStore[command] ?? 0) + n;
    }

    const stats = (list) => {
      const sorted = [...list].sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
    };
    const thumbs = stats(times.thumbnails);
    const health = stats(times.healthz);
    const cold = stats(coldPages);
    const perThumbnail = (store, pages) =>
      Object.entries(store)
        .map(([command, n]) => `${command} ${(n / (pages * IMAGES)).toFixed(2)}`)
        .join(', ') || '0';
    const row = (what, s, pages, store, extra = '') => ({
      [`page of ${IMAGES}`]: what,
      pages,
      'p50 ms': s.p50,
      'p99 ms': s.p99,
      'max ms': s.max,
      'p50 ÷ /healthz p50': s.p50 / health.p50,
      'p99 ÷ /healthz p99': s.p99 / health.p99,
      'store commands per request': store === null ? '—' : perThumbnail(store, pages),
      note: extra,
    });
    report({
      scenario: 'attachments',
      setup:
        `One group of 2; the sender uploaded ${IMAGES} photo-like JPEGs (blown-up noise) (1600–${1600 + 16 * (IMAGES - 1)}×1200, ${(uploadedBytes / 2 ** 20).toFixed(1)} MiB in all; ` +
        `a thumbnail is ${(thumbnailBytes / 1024).toFixed(1)} KiB of WebP). A "page" is the other member's browser opening the conversation: ` +
        `the ${IMAGES} signed thumbnail URLs fetched from the gateway, ${CONNECTIONS} at a time (what a browser opens to one origin), ` +
        `timed from the first request to the last byte; the baseline page is ${IMAGES} GET /healthz the same way. ` +
        `${PAGES} pages of each, interleaved, after ${WARMUP_PAGES} of each not counted; Node's fetch from the runner${pinned ? ', pinned to core 0, the stack to the other core (taskset)' : ', unpinned'}. ` +
        `Then ${coldPages.length} pages each after deleting every thumbnail from Redis. "store commands" are the groups service's own count (messenger_store_commands_total).`,
      rows: [
        row('GET /healthz (baseline)', health, PAGES, null),
        row('thumbnails (from Redis)', thumbs, PAGES, hot, `CPU % of a core meanwhile: ${cpuCell(usage)}`),
        row('thumbnails, Redis lost them', cold, coldPages.length, coldStore, 'each refilled from its files document'),
      ],
      goals: [
        {
          goal: 'a page of thumbnails costs the store nothing',
          met: Object.keys(hot).length === 0,
          detail: `store commands during the ${PAGES * IMAGES} thumbnails: ${perThumbnail(hot, PAGES) === '0' ? 'none' : JSON.stringify(hot)}.`,
        },
      ],
      notes: [
        `A thumbnail is one NATS request from the gateway to groups (signature check, one Redis GET) carrying the WebP back base64-encoded; /healthz is the gateway asking each running service over NATS whether it is healthy, with a few bytes back. The ratio is the price of the thumbnail's bytes and its Redis read over a bare round trip.`,
      ],
    });
  } finally {
    redis.disconnect();
    await stack.stop();
  }
};

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`[attachments] ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
