import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attachment } from '@messenger/contracts';
import { createLogger } from '@messenger/kit';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, readStoreCommands, startTestStack, storeCommandsBetween, withoutReadMarkFlush } from '@messenger/kit/testing';
import type { ChatState } from '../chats/chat-state.js';
import { AttachmentCache } from './attachment-cache.js';
import { attachmentKey } from './attachment-keys.js';
import { AttachmentUrlSigner } from './attachment-urls.js';
import { AttachmentsRepository } from './attachments.repository.js';
import { AttachmentsService } from './attachments.service.js';

type ErrorBody = { error: { code: string; message: string; details?: { fields?: { path: string }[]; maxBytes?: number } } };
/** Above the 25 MiB default, set through the gateway's environment as an operator would. */
const MAX_BYTES = 26 * 1024 * 1024;

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 30, g: 160, b: 90 } } })
    .png()
    .toBuffer();

describe('message attachments', () => {
  let stack: Stack;
  let owner: ApiClient;
  let member: ApiClient;
  let outsider: ApiClient;
  let reader: ApiClient;
  const ids: Record<string, string> = {};
  let groupId: string;
  let otherGroupId: string;
  let channelId: string;
  let picture: Attachment;
  let pictureBytes: Buffer;
  let db: Connection;
  let redis: Redis;
  /** The service itself against the stack's Redis and store: what the send path calls in-process. */
  let service: AttachmentsService;
  /** What `service` (above) asks of the store. */
  const ownCommands: string[] = [];

  const upload = (api: ApiClient, chatId: string, body: Buffer, filename: string | null, contentType: string) =>
    api.call<Attachment & ErrorBody>(
      'POST',
      `/api/chats/${chatId}/attachments${filename === null ? '' : `?filename=${encodeURIComponent(filename)}`}`,
      body,
      { 'content-type': contentType },
    );
  const get = (url: string) => fetch(`${stack.gatewayUrl()}${url}`);
  const groupsStoreCommands = async <T>(work: () => Promise<T>) => {
    const before = await readStoreCommands(stack, ['groups']);
    const result = await work();
    return { result, commands: withoutReadMarkFlush(storeCommandsBetween(before, await readStoreCommands(stack, ['groups']))) };
  };

  beforeAll(async () => {
    stack = await startTestStack('attachments', { replicas: { calls: 0 }, env: { ATTACHMENT_MAX_BYTES: String(MAX_BYTES) } });
    const make = async (name: string) => {
      const api = new ApiClient(stack.gatewayUrl());
      ids[name] = (await api.register(`${name}_${randomBytes(3).toString('hex')}`, name)).id;
      return api;
    };
    [owner, member, outsider, reader] = [await make('owner'), await make('member'), await make('outsider'), await make('reader')];
    const create = async (type: 'group' | 'channel', memberIds: string[]) =>
      (await owner.call<{ id: string }>('POST', '/api/chats', { type, name: `Файлы ${type}`, memberIds })).body.id;
    groupId = await create('group', [ids.member!]);
    otherGroupId = await create('group', [ids.member!]);
    channelId = await create('channel', [ids.reader!]);
    const connection = mongoose.createConnection(stack.env.MONGO_URL!, {
      dbName: 'messenger_groups',
      retryWrites: false,
      monitorCommands: true,
    });
    connection.getClient().on('commandStarted', (event) => {
      const target = (event.command as Record<string, unknown>)[event.commandName];
      if (typeof target === 'string') ownCommands.push(`${event.commandName} ${target}`);
    });
    db = await connection.asPromise();
    redis = new Redis(stack.env.REDIS_URL!);
    const state = {} as ChatState; // claim, discard and the routes below it never ask who is a member
    service = new AttachmentsService(
      state,
      new AttachmentsRepository(db),
      new AttachmentCache(redis),
      new AttachmentUrlSigner(stack.env.URL_SIGNING_SECRET!),
      createLogger('attachments-test', 'silent'),
    );
  });

  afterAll(async () => {
    redis?.disconnect();
    await db?.close();
    await stack?.stop();
  });

  it('takes a picture: 201 with its size, type and signed URLs for the file and a thumbnail', async () => {
    pictureBytes = await png(1200, 800);
    const created = await upload(owner, groupId, pictureBytes, 'кот.png', 'image/png');
    expect(created.status).toBe(201);
    picture = created.body;
    expect(picture).toMatchObject({ name: 'кот.png', size: pictureBytes.length, contentType: 'image/png', width: 1200, height: 800 });
    const base = `/api/chats/${groupId}/attachments/${picture.id}`;
    expect(picture.url).toMatch(new RegExp(`^${base}\\?exp=\\d+&sig=[A-Za-z0-9_-]{32}$`));
    expect(picture.thumbnailUrl).toMatch(new RegExp(`^${base}/thumbnail\\?exp=\\d+&sig=[A-Za-z0-9_-]{32}$`));
  });

  it('stores an upload with inserts only', async () => {
    const { result, commands } = await groupsStoreCommands(() =>
      upload(member, groupId, randomBytes(600_000), 'noise.bin', 'application/octet-stream'),
    );
    expect(result.status).toBe(201);
    // 600 000 bytes in GridFS's 255 KiB chunks: three, then the files document.
    expect(commands).toEqual({ 'insert attachments.chunks': 3, 'insert attachments.files': 1 });
  });

  it('serves a thumbnail (WebP inside 320×320) from Redis, without a store command', async () => {
    const { result, commands } = await groupsStoreCommands(async () => {
      const response = await get(picture.thumbnailUrl!);
      return { response, bytes: Buffer.from(await response.arrayBuffer()) };
    });
    expect(result.response.status).toBe(200);
    expect(result.response.headers.get('content-type')).toBe('image/webp');
    expect(result.response.headers.get('cache-control')).toContain('immutable');
    expect(await sharp(result.bytes).metadata()).toMatchObject({ format: 'webp', width: 320, height: 213 });
    expect(commands).toEqual({});
  });

  it('refills a thumbnail Redis lost from the files document alone, never the chunks', async () => {
    await redis.del(attachmentKey.thumbnail(picture.id));
    const cold = await groupsStoreCommands(() => get(picture.thumbnailUrl!));
    expect(cold.result.status).toBe(200);
    expect(cold.commands).toEqual({ 'find attachments.files': 1 });
    const warm = await groupsStoreCommands(() => get(picture.thumbnailUrl!));
    expect(warm.result.status).toBe(200);
    expect(warm.commands).toEqual({});
  });

  it('shows a picture inline, under its name, with the bytes as uploaded', async () => {
    const response = await get(picture.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="___.png"; filename*=UTF-8''%D0%BA%D0%BE%D1%82.png`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer()).equals(pictureBytes)).toBe(true);
  });

  it('offers any other file as a download, typed by its bytes and never sniffed, markup included', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(5000)]);
    const sentPdf = await upload(member, groupId, pdf, 'Отчёт.pdf', 'application/pdf');
    expect(sentPdf.status).toBe(201);
    expect(sentPdf.body).toMatchObject({ contentType: 'application/pdf', thumbnailUrl: null });
    expect(sentPdf.body).not.toHaveProperty('width');
    const response = await get(sentPdf.body.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="[^"]*"; filename\*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82\.pdf$/,
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await response.arrayBuffer()).equals(pdf)).toBe(true);

    const page = await upload(
      member,
      groupId,
      Buffer.from('<html><script>alert(document.cookie)</script></html>'),
      'page.html',
      'text/html',
    );
    expect(page.status).toBe(201);
    expect(page.body.contentType).toBe('application/octet-stream');
    const served = await get(page.body.url);
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('refuses an upload from someone outside the chat as if the chat did not exist (404)', async () => {
    const refused = await upload(outsider, groupId, await png(10, 10), 'x.png', 'image/png');
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('NOT_FOUND');
  });

  it('serves nothing for a forged signature or one moved to another file or chat (404), even to a member', async () => {
    const forged = picture.url.replace(/sig=[^&]+/, `sig=${'A'.repeat(32)}`);
    expect((await get(forged)).status).toBe(404);
    expect((await outsider.call(`GET`, forged)).status).toBe(404);
    expect((await member.call('GET', picture.url.replace(groupId, otherGroupId))).status).toBe(404);
    const thumbnailSigOnFile = `${picture.url.split('?')[0]}?${picture.thumbnailUrl!.split('?')[1]}`;
    expect((await get(thumbnailSigOnFile)).status).toBe(404);
    expect((await get(picture.url.replace(/&sig=[^&]+/, ''))).status).toBe(422);
  });

  it('refuses a channel member who may not post (403)', async () => {
    const refused = await upload(reader, channelId, await png(10, 10), 'x.png', 'image/png');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('PERMISSION_DENIED');
    expect((await upload(owner, channelId, await png(10, 10), 'x.png', 'image/png')).status).toBe(201);
  });

  it('carries a file of ATTACHMENT_MAX_BYTES through NATS both ways, and refuses one byte more with 413 naming the limit', async () => {
    const largest = randomBytes(MAX_BYTES);
    const taken = await upload(owner, groupId, largest, 'just.bin', 'application/octet-stream');
    expect(taken.status).toBe(201);
    const served = await get(taken.body.url);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(largest)).toBe(true);

    const refused = await upload(owner, groupId, randomBytes(MAX_BYTES + 1), 'big.bin', 'application/octet-stream');
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(refused.body.error.message).toContain('26 MiB (27262976 bytes)');
    expect(refused.body.error.details?.maxBytes).toBe(MAX_BYTES);
  });

  it('refuses with 415 an image that is not a picture: SVG, HTML, or bytes that only start like one', async () => {
    for (const [body, type] of [
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml'],
      [Buffer.from('<!doctype html><p>hi</p>'), 'image/png'],
      [Buffer.from('GIF89a but not really'), 'image/gif'],
      [(await png(300, 300)).subarray(0, 120), 'application/octet-stream'],
    ] as const) {
      const refused = await upload(owner, groupId, body, 'x.png', type);
      expect(refused.status, `${type}: ${body.subarray(0, 20).toString()}`).toBe(415);
      expect(refused.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(refused.body.error.details?.fields?.[0]?.path).toBe('file');
    }
  });

  it('needs a filename (422 naming it)', async () => {
    const refused = await upload(owner, groupId, await png(10, 10), null, 'image/png');
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    expect(refused.body.error.details?.fields?.map((f) => f.path)).toEqual(['filename']);
  });

  describe('claimed by a send', () => {
    const refusal = (work: Promise<unknown>) =>
      work.then(
        () => null,
        (error: { payload?: { code: string; details?: { fields?: { path: string }[] } } }) => error.payload,
      );

    it("gives the uploader the views, with URLs that work; refuses anyone else's and another chat's", async () => {
      const claimed = await service.claim(ids.owner!, groupId, [picture.id]);
      expect(claimed).toEqual([{ ...picture, url: expect.any(String), thumbnailUrl: expect.any(String) }]);
      expect((await get(claimed[0]!.thumbnailUrl!)).status).toBe(200);
      for (const [userId, chatId] of [
        [ids.member!, groupId],
        [ids.owner!, otherGroupId],
      ] as const) {
        expect(await refusal(service.claim(userId, chatId, [picture.id]))).toMatchObject({
          code: 'VALIDATION_FAILED',
          details: { fields: [{ path: 'attachmentIds' }] },
        });
      }
      expect(await refusal(service.claim(ids.owner!, groupId, ['0123456789abcdef01234567']))).toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('lets a retried send claim again, and keeps a file to one message', async () => {
      const first = await service.claim(ids.owner!, groupId, [picture.id], 'send-1');
      expect(await service.claim(ids.owner!, groupId, [picture.id, picture.id], 'send-1')).toEqual(first);
      expect(await refusal(service.claim(ids.owner!, groupId, [picture.id], 'send-2'))).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { fields: [{ path: 'attachmentIds' }] },
      });
    });

    it('answers from Redis, and from the store only for what Redis lost', async () => {
      ownCommands.length = 0;
      await service.claim(ids.owner!, groupId, [picture.id]);
      expect(ownCommands).toEqual([]);
      await redis.del(attachmentKey.record(picture.id));
      const found = await service.claim(ids.owner!, groupId, [picture.id]);
      expect(found[0]).toMatchObject({ id: picture.id, width: 1200, height: 800 });
      expect(ownCommands).toEqual(['find attachments.files']);
      expect(await redis.hget(attachmentKey.record(picture.id), 'uploaderId')).toBe(ids.owner);
    });

    it('sweeps uploads no send claimed, and keeps those a send did', async () => {
      const left = (await upload(owner, groupId, Buffer.from('never sent'), 'draft.txt', 'text/plain')).body as Attachment;
      const sent = (await upload(owner, groupId, Buffer.from('sent'), 'sent.txt', 'text/plain')).body as Attachment;
      await service.claim(ids.owner!, groupId, [sent.id], 'send-kept');
      // Made "a day ago" as far as this sweep is concerned.
      await service.sweepUnclaimed(Date.now() + 1);
      expect((await get(left.url)).status).toBe(404);
      expect((await get(sent.url)).status).toBe(200);
    });

    it('discards: the file, its chunks and its cached thumbnail are gone, and its URLs answer 404', async () => {
      await service.discard(groupId, [picture.id]);
      expect(await redis.exists(attachmentKey.record(picture.id), attachmentKey.thumbnail(picture.id))).toBe(0);
      const oid = new mongoose.mongo.ObjectId(picture.id);
      expect(await db.collection('attachments.files').countDocuments({ _id: oid })).toBe(0);
      expect(await db.collection('attachments.chunks').countDocuments({ files_id: oid })).toBe(0);
      expect((await get(picture.url)).status).toBe(404);
      expect((await get(picture.thumbnailUrl!)).status).toBe(404);
      await expect(service.discard(groupId, [picture.id])).resolves.toBeUndefined();
    });
  });
});
