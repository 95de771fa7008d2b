import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack } from '@messenger/kit/testing';

type Who = 'owner' | 'admin' | 'flagged' | 'member' | 'outsider';
const WHO: Who[] = ['owner', 'admin', 'flagged', 'member', 'outsider'];
type People = Record<Who | 'target' | 'targetAdmin' | 'newcomer', { api: ApiClient; id: string }>;

/**
 * Every action × every kind of actor, against the running service. Each cell gets a fresh group:
 * owner; admin; "flagged" = a member granted every flag; member with the default flags; target (a
 * member) and targetAdmin (an admin) to act on; outsider is in no group and must always get 404.
 */
const ACTIONS: { name: string; run: (p: People, chatId: string, as: ApiClient) => Promise<number>; expected: Record<Who, number> }[] = [
  {
    name: 'post',
    run: (_p, c, as) => as.call('POST', `/api/chats/${c}/messages`, { text: 'hi' }).then((r) => r.status),
    expected: { owner: 201, admin: 201, flagged: 201, member: 201, outsider: 404 },
  },
  {
    name: 'edit info',
    run: (_p, c, as) => as.call('PATCH', `/api/chats/${c}`, { name: 'New' }).then((r) => r.status),
    expected: { owner: 200, admin: 200, flagged: 200, member: 403, outsider: 404 },
  },
  {
    name: 'edit call settings',
    run: (_p, c, as) => as.call('PATCH', `/api/chats/${c}`, { callSettings: { onlyAdminsCanSpeak: true } }).then((r) => r.status),
    expected: { owner: 200, admin: 200, flagged: 403, member: 403, outsider: 404 },
  },
  {
    name: 'add members',
    run: (p, c, as) => as.call('POST', `/api/chats/${c}/members`, { userIds: [p.newcomer.id] }).then((r) => r.status),
    expected: { owner: 200, admin: 200, flagged: 200, member: 403, outsider: 404 },
  },
  {
    name: 'remove a member',
    run: (p, c, as) => as.call('DELETE', `/api/chats/${c}/members/${p.target.id}`).then((r) => r.status),
    expected: { owner: 204, admin: 204, flagged: 204, member: 403, outsider: 404 },
  },
  {
    name: 'remove an admin',
    run: (p, c, as) => as.call('DELETE', `/api/chats/${c}/members/${p.targetAdmin.id}`).then((r) => r.status),
    expected: { owner: 204, admin: 403, flagged: 403, member: 403, outsider: 404 },
  },
  {
    name: 'remove the owner',
    run: (p, c, as) => as.call('DELETE', `/api/chats/${c}/members/${p.owner.id}`).then((r) => r.status),
    expected: { owner: 204, admin: 403, flagged: 403, member: 403, outsider: 404 },
  },
  {
    name: 'promote to admin',
    run: (p, c, as) => as.call('PATCH', `/api/chats/${c}/members/${p.target.id}`, { role: 'admin' }).then((r) => r.status),
    expected: { owner: 200, admin: 403, flagged: 403, member: 403, outsider: 404 },
  },
  {
    name: 'demote an admin',
    run: (p, c, as) => as.call('PATCH', `/api/chats/${c}/members/${p.targetAdmin.id}`, { role: 'member' }).then((r) => r.status),
    expected: { owner: 200, admin: 403, flagged: 403, member: 403, outsider: 404 },
  },
  {
    name: "grant a member's flag",
    run: (p, c, as) =>
      as.call('PATCH', `/api/chats/${c}/members/${p.target.id}`, { permissions: { canEditInfo: true } }).then((r) => r.status),
    expected: { owner: 200, admin: 200, flagged: 403, member: 403, outsider: 404 },
  },
  {
    name: 'transfer ownership',
    run: (p, c, as) => as.call('POST', `/api/chats/${c}/owner`, { userId: p.target.id }).then((r) => r.status),
    expected: { owner: 200, admin: 403, flagged: 403, member: 403, outsider: 404 },
  },
  {
    name: 'delete the group',
    run: (_p, c, as) => as.call('DELETE', `/api/chats/${c}`).then((r) => r.status),
    expected: { owner: 204, admin: 403, flagged: 403, member: 403, outsider: 404 },
  },
  {
    name: 'leave',
    run: (p, c, as) => as.call('DELETE', `/api/chats/${c}/members/${whoAmI(p, as)}`).then((r) => r.status),
    expected: { owner: 204, admin: 204, flagged: 204, member: 204, outsider: 404 },
  },
  {
    name: 'read the chat',
    run: (_p, c, as) => as.call('GET', `/api/chats/${c}`).then((r) => r.status),
    expected: { owner: 200, admin: 200, flagged: 200, member: 200, outsider: 404 },
  },
];

const whoAmI = (p: People, as: ApiClient) => Object.values(p).find((x) => x.api === as)!.id;

describe('the permission matrix, cell by cell, against the running service', () => {
  let stack: Stack;
  const people = {} as People;

  beforeAll(async () => {
    stack = await startTestStack('matrix', { replicas: { calls: 0 } });
    for (const key of [...WHO, 'target', 'targetAdmin', 'newcomer'] as const) {
      const api = new ApiClient(stack.gatewayUrl());
      people[key] = { api, id: (await api.register(`${key.toLowerCase()}_${randomBytes(3).toString('hex')}`, key)).id };
    }
  });
  afterAll(async () => stack?.stop());

  const freshGroup = async () => {
    const { owner, admin, flagged, member, target, targetAdmin } = people;
    const chat = await owner.api.call<{ id: string }>('POST', '/api/chats', {
      type: 'group',
      name: 'Matrix',
      memberIds: [admin.id, flagged.id, member.id, target.id, targetAdmin.id],
    });
    const id = chat.body.id;
    for (const promoted of [admin, targetAdmin])
      expect((await owner.api.call('PATCH', `/api/chats/${id}/members/${promoted.id}`, { role: 'admin' })).status).toBe(200);
    const all = { canAddMembers: true, canRemoveMembers: true, canEditInfo: true, canStartCall: true };
    expect((await owner.api.call('PATCH', `/api/chats/${id}/members/${flagged.id}`, { permissions: all })).status).toBe(200);
    return id;
  };

  const cells = ACTIONS.flatMap((action) =>
    WHO.map((who) => ({ action: action.name, who, expected: action.expected[who], run: action.run })),
  );

  it.each(cells)('$action by $who → $expected', async ({ who, expected, run }) => {
    const chatId = await freshGroup();
    const status = await run(people, chatId, people[who].api);
    expect(status).toBe(expected);
  });

  it('names the missing permission in a 403', async () => {
    const chatId = await freshGroup();
    const refused = await people.member.api.call<{ error: { code: string; details: { permission: string } } }>(
      'POST',
      `/api/chats/${chatId}/members`,
      { userIds: [people.newcomer.id] },
    );
    expect(refused.body.error).toMatchObject({ code: 'PERMISSION_DENIED', details: { permission: 'canAddMembers' } });
  });

  it('lets only owner and admins post in a channel', async () => {
    const { owner, admin, member } = people;
    const channel = (
      await owner.api.call<{ id: string }>('POST', '/api/chats', { type: 'channel', name: 'News', memberIds: [admin.id, member.id] })
    ).body.id;
    await owner.api.call('PATCH', `/api/chats/${channel}/members/${admin.id}`, { role: 'admin' });
    expect((await owner.api.call('POST', `/api/chats/${channel}/messages`, { text: 'a' })).status).toBe(201);
    expect((await admin.api.call('POST', `/api/chats/${channel}/messages`, { text: 'b' })).status).toBe(201);
    expect((await member.api.call('POST', `/api/chats/${channel}/messages`, { text: 'c' })).status).toBe(403);
  });
});
