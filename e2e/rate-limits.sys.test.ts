import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startTestStack } from '@messenger/kit/testing';

type Reply = { status: number; body: unknown; headers: Headers };

/** What a burst got: how many passed the limit, and the 429s' codes and Retry-After values. */
const tally = (replies: Reply[]) => {
  const refused = replies.filter((r) => r.status === 429);
  return {
    passed: replies.length - refused.length,
    refusedCodes: [...new Set(refused.map((r) => (r.body as { error?: { code?: string } }).error?.code))],
    retryAfter: refused.map((r) => Number(r.headers.get('retry-after'))),
  };
};

describe('rate limits on every route class, shared by the replicas', () => {
  let stack: Stack;
  let alice: ApiClient;
  let bob: ApiClient;
  let bobId: string;

  beforeAll(async () => {
    stack = await startTestStack('limits', {
      replicas: { groups: 2, users: 2, calls: 0 },
      env: {
        RATE_LIMITS: 'send=10/60,createChat=3/60,addMembers=3/60,search=5/60,presence=5/60,avatar=2/60,register=4/60',
      },
    });
    alice = new ApiClient(stack.gatewayUrl());
    bob = new ApiClient(stack.gatewayUrl());
    await alice.register(`al_${randomBytes(3).toString('hex')}`, 'Alice');
    bobId = (await bob.register(`bo_${randomBytes(3).toString('hex')}`, 'Bob')).id;
  });
  afterAll(async () => stack?.stop());

  const burst = (n: number, send: (i: number) => Promise<Reply>) => Promise.all(Array.from({ length: n }, (_, i) => send(i)));

  it('accepts 10 of 300 sends in a burst across both groups replicas, refuses the rest with 429 and Retry-After, and not the others in the chat', async () => {
    const chatId = (await alice.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Spam', memberIds: [bobId] })).body.id;
    const replies = await burst(300, (i) =>
      alice.call('POST', `/api/chats/${chatId}/messages`, { text: `spam ${i}`, clientId: `c-${i}-${randomBytes(4).toString('hex')}` }),
    );
    const { passed, refusedCodes, retryAfter } = tally(replies);
    expect(passed).toBe(10);
    expect(refusedCodes).toEqual(['RATE_LIMITED']);
    for (const seconds of retryAfter) expect(seconds).toBeGreaterThanOrEqual(1);
    for (const seconds of retryAfter) expect(seconds).toBeLessThanOrEqual(60);
    // Only what was accepted is in the history: nothing half-written.
    const history = (await alice.call<{ items: { text: string }[] }>('GET', `/api/chats/${chatId}/messages?limit=100`)).body.items;
    expect(history.filter((m) => m.text.startsWith('spam'))).toHaveLength(10);
    expect((await bob.call('POST', `/api/chats/${chatId}/messages`, { text: 'still here', clientId: `b-${Date.now()}` })).status).toBe(201);
  });

  it('limits chat creation, member adds, search, presence and pictures per user', async () => {
    const carol = new ApiClient(stack.gatewayUrl());
    await carol.register(`ca_${randomBytes(3).toString('hex')}`, 'Carol');
    const chats = await burst(5, (i) => carol.call('POST', '/api/chats', { type: 'group', name: `G${i}`, memberIds: [bobId] }));
    expect(tally(chats)).toMatchObject({ passed: 3, refusedCodes: ['RATE_LIMITED'] });
    const chatId = (chats.find((r) => r.status === 201)!.body as { id: string }).id;
    const adds = await burst(5, () => carol.call('POST', `/api/chats/${chatId}/members`, { userIds: [bobId] }));
    expect(tally(adds)).toMatchObject({ passed: 3, refusedCodes: ['RATE_LIMITED'] });
    const searches = await burst(8, () => carol.call('GET', '/api/users/search?q=al'));
    expect(tally(searches)).toMatchObject({ passed: 5, refusedCodes: ['RATE_LIMITED'] });
    const presence = await burst(8, () => carol.call('GET', `/api/users/presence?ids=${bobId}`));
    expect(tally(presence)).toMatchObject({ passed: 5, refusedCodes: ['RATE_LIMITED'] });
    const pictures = await burst(4, () =>
      carol.call('PUT', '/api/users/me/avatar', new Uint8Array(randomBytes(64)), { 'content-type': 'image/png' }),
    );
    expect(tally(pictures)).toMatchObject({ passed: 2, refusedCodes: ['RATE_LIMITED'] });
    // Another user's count is their own.
    expect((await bob.call('GET', '/api/users/search?q=al')).status).toBe(200);
  });

  it('limits sign-ups per address', async () => {
    // Alice's and Bob's sign-ups above took 2 of this address's 4, and Carol's a third.
    const signUps = await burst(4, (i) =>
      new ApiClient(stack.gatewayUrl()).call('POST', '/api/auth/register', {
        username: `su${i}_${randomBytes(3).toString('hex')}`,
        name: 'New',
        password: 'correct horse battery',
      }),
    );
    expect(tally(signUps)).toMatchObject({ passed: 1, refusedCodes: ['RATE_LIMITED'] });
  });
});
