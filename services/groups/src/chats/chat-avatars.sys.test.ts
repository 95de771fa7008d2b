import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack } from '@messenger/kit/testing';

type ChatBody = { id: string; avatarUrl: string | null };
const png = () =>
  sharp({ create: { width: 500, height: 300, channels: 3, background: { r: 20, g: 120, b: 200 } } })
    .png()
    .toBuffer();

describe('group pictures', () => {
  let stack: Stack;
  let owner: ApiClient;
  let member: ApiClient;
  let outsider: ApiClient;
  let chatId: string;

  beforeAll(async () => {
    stack = await startTestStack('chat-avatars', { replicas: { calls: 0 } });
    const make = async (name: string) => {
      const api = new ApiClient(stack.gatewayUrl());
      return { api, id: (await api.register(`${name}_${randomBytes(3).toString('hex')}`, name)).id };
    };
    const [o, m, x] = [await make('owner'), await make('member'), await make('outsider')];
    [owner, member, outsider] = [o.api, m.api, x.api];
    chatId = (await owner.call<ChatBody>('POST', '/api/chats', { type: 'group', name: 'Фото', memberIds: [m.id] })).body.id;
  });
  afterAll(async () => stack?.stop());

  it('stores the picture and hands members a signed URL that serves it', async () => {
    const upload = await owner.call<ChatBody>('PUT', `/api/chats/${chatId}/avatar`, await png(), { 'content-type': 'image/png' });
    expect(upload.status).toBe(200);
    expect(upload.body.avatarUrl).toMatch(new RegExp(`^/api/chats/${chatId}/avatar\\?v=\\d+&exp=\\d+&sig=[A-Za-z0-9_-]{32}$`));
    const seenByMember = (await member.call<ChatBody>('GET', `/api/chats/${chatId}`)).body.avatarUrl;
    expect(seenByMember).toBe(upload.body.avatarUrl);
    const served = await fetch(`${stack.gatewayUrl()}${upload.body.avatarUrl}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('cache-control')).toContain('immutable');
    expect(await sharp(Buffer.from(await served.arrayBuffer())).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 });
  });

  it('serves nothing for a forged or missing signature', async () => {
    const url = (await owner.call<ChatBody>('GET', `/api/chats/${chatId}`)).body.avatarUrl!;
    const forged = url.replace(/sig=[^&]+/, `sig=${'A'.repeat(32)}`);
    expect((await fetch(`${stack.gatewayUrl()}${forged}`)).status).toBe(404);
    expect((await fetch(`${stack.gatewayUrl()}${url.replace(/&sig=[^&]+/, '')}`)).status).toBe(422);
  });

  it('lets only those who may edit info change it, and keeps the old one on a bad file', async () => {
    const before = (await owner.call<ChatBody>('GET', `/api/chats/${chatId}`)).body.avatarUrl;
    expect((await member.call('PUT', `/api/chats/${chatId}/avatar`, await png(), { 'content-type': 'image/png' })).status).toBe(403);
    expect((await outsider.call('PUT', `/api/chats/${chatId}/avatar`, await png(), { 'content-type': 'image/png' })).status).toBe(404);
    expect(
      (await owner.call('PUT', `/api/chats/${chatId}/avatar`, Buffer.from('GIF89a but not really'), { 'content-type': 'image/gif' }))
        .status,
    ).toBe(422);
    expect((await owner.call<ChatBody>('GET', `/api/chats/${chatId}`)).body.avatarUrl).toBe(before);
  });
});
