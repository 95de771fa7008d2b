import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack, TestSocket } from '@messenger/kit/testing';

type UserBody = { id: string; name: string; bio: string; avatarUrl: string | null };

const image = (format: 'png' | 'jpeg' | 'gif' | 'webp', width = 640, height = 400) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .toFormat(format)
    .toBuffer();

describe('profiles and avatars', () => {
  let stack: Stack;
  let me: ApiClient;
  let user: { id: string };

  beforeAll(async () => {
    stack = await startTestStack('avatars', { replicas: { groups: 0, calls: 0 } });
    me = new ApiClient(stack.gatewayUrl());
    user = await me.register(`av_${randomBytes(4).toString('hex')}`, 'Ольга');
  });
  afterAll(async () => stack?.stop());

  it("edits name and bio, and tells the user's other devices", async () => {
    const device = await TestSocket.open(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${me.accessToken}`);
    const edit = await me.call<UserBody>('PATCH', '/api/users/me', { name: '  Ольга Смирнова ', bio: 'Люблю звонки 📞' });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ name: 'Ольга Смирнова', bio: 'Люблю звонки 📞' });
    expect((await device.next((f) => f.type === 'user.updated')).data).toMatchObject({ name: 'Ольга Смирнова' });
    expect((await me.call<UserBody>('GET', `/api/users/${user.id}`)).body.bio).toBe('Люблю звонки 📞');
    await device.close();
  });

  it.each([['png'], ['jpeg'], ['gif'], ['webp']] as const)('stores a %s upload as a 256×256 WebP at a URL that changes', async (format) => {
    const before = (await me.call<UserBody>('GET', '/api/users/me')).body.avatarUrl;
    const upload = await me.call<UserBody>('PUT', '/api/users/me/avatar', await image(format), { 'content-type': `image/${format}` });
    expect(upload.status).toBe(200);
    expect(upload.body.avatarUrl).toMatch(new RegExp(`^/api/users/${user.id}/avatar\\?v=\\d+$`));
    expect(upload.body.avatarUrl).not.toBe(before);

    const served = await fetch(`${stack.gatewayUrl()}${upload.body.avatarUrl}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });
  });

  const currentAvatar = async () => {
    const { avatarUrl } = (await me.call<UserBody>('GET', '/api/users/me')).body;
    return { avatarUrl, bytes: Buffer.from(await (await fetch(`${stack.gatewayUrl()}${avatarUrl}`)).arrayBuffer()) };
  };

  it.each([
    ['text disguised as a PNG', () => Buffer.from('<?php echo "not an image"; ?>'.repeat(20)), 'image/png', 422, 'UNPROCESSABLE_IMAGE'],
    [
      'an SVG (not an accepted type)',
      () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
      'image/svg+xml',
      422,
      'UNPROCESSABLE_IMAGE',
    ],
    ['a truncated PNG', async () => (await image('png', 800, 800)).subarray(0, 300), 'image/png', 422, 'UNPROCESSABLE_IMAGE'],
    ['a file over 5 MB', () => randomBytes(5 * 1024 * 1024 + 1), 'image/jpeg', 413, 'PAYLOAD_TOO_LARGE'],
  ] as const)('refuses %s and keeps the old avatar', async (_name, make, type, status, code) => {
    const before = await currentAvatar();
    const refused = await me.call('PUT', '/api/users/me/avatar', await make(), { 'content-type': type });
    expect(refused.status).toBe(status);
    expect(refused.body).toMatchObject({ error: { code } });
    const after = await currentAvatar();
    expect(after.avatarUrl).toBe(before.avatarUrl);
    expect(after.bytes.equals(before.bytes)).toBe(true);
  });

  it('answers 404 for a user without an avatar and for an unknown user', async () => {
    const other = new ApiClient(stack.gatewayUrl());
    const { id } = await other.register(`noav_${randomBytes(4).toString('hex')}`, 'No Avatar');
    expect((await fetch(`${stack.gatewayUrl()}/api/users/${id}/avatar`)).status).toBe(404);
    expect((await me.call('GET', '/api/users/0123456789abcdef01234567')).status).toBe(404);
  });
});
