import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack } from '@messenger/kit/testing';

const MAX = 6;

describe('maxMembers under concurrent adds', () => {
  let stack: Stack;
  let owner: ApiClient;
  const ids: string[] = [];

  beforeAll(async () => {
    // Two replicas of groups, so the racing adds are handled by different processes.
    stack = await startTestStack('capacity', {
      replicas: { groups: 2, calls: 0 },
      env: { MAX_MEMBERS: String(MAX) },
    });
    owner = new ApiClient(stack.gatewayUrl());
    await owner.register(`own_${randomBytes(3).toString('hex')}`, 'Owner');
    for (let i = 0; i < MAX + 6; i++)
      ids.push((await new ApiClient(stack.gatewayUrl()).register(`u${i}_${randomBytes(3).toString('hex')}`, `U${i}`)).id);
  });
  afterAll(async () => stack?.stop());

  it('lets exactly one of many parallel adds fill the last seat', async () => {
    const group = await owner.call<{ id: string; memberCount: number }>('POST', '/api/chats', {
      type: 'group',
      name: 'Full',
      memberIds: ids.slice(0, MAX - 2),
    });
    expect(group.body.memberCount).toBe(MAX - 1);
    const candidates = ids.slice(MAX - 2, MAX + 6);
    const results = await Promise.all(
      candidates.map((id) => owner.call<{ error?: { code: string } }>('POST', `/api/chats/${group.body.id}/members`, { userIds: [id] })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error?.code === 'GROUP_FULL')).toBe(true);
    expect(statuses.filter((s) => s === 409)).toHaveLength(candidates.length - 1);
    const after = await owner.call<{ memberCount: number; participants: unknown[] }>('GET', `/api/chats/${group.body.id}`);
    expect(after.body.memberCount).toBe(MAX);
    expect(after.body.participants).toHaveLength(MAX);
  });

  it('refuses to create a group larger than the cap', async () => {
    const refused = await owner.call<{ error: { code: string } }>('POST', '/api/chats', {
      type: 'group',
      name: 'Too big',
      memberIds: ids.slice(0, MAX),
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('GROUP_FULL');
  });
});
