import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '@messenger/kit/servers';
import { CallSessionRepository, SESSION_TTL_SECONDS, type NewCall } from './call-session.repository.js';

const CALLER = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const CALLEE = 'bbbbbbbbbbbbbbbbbbbbbbbb';
let n = 0;
const newCall = (over: Partial<NewCall> = {}): NewCall => ({
  id: `c_test${String(++n).padStart(12, '0')}`,
  chatId: (n + 1_000).toString(16).padStart(24, '0'),
  chatType: 'personal',
  type: 'video',
  initiatorId: CALLER,
  members: [CALLER, CALLEE],
  invited: [CALLEE],
  ringDeadlineMs: Date.now() + 60_000,
  ...over,
});

describe('call sessions in Redis', () => {
  let server: RedisServer;
  let redis: Redis;
  let sessions: CallSessionRepository;

  beforeAll(async () => {
    server = await startRedis({ dataDir: mkdtempSync(join(tmpdir(), 'sessions-')) });
    redis = new Redis(server.url);
    sessions = new CallSessionRepository(redis);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('keeps one live call per chat, even when two start at once', async () => {
    const a = newCall();
    const b = { ...newCall(), chatId: a.chatId };
    const [first, second] = await Promise.all([sessions.start(a), sessions.start(b)]);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    expect(first.id).toBe(second.id);
  });

  it('expires every key of a call 12 hours after it started', async () => {
    const call = newCall();
    await sessions.start(call);
    await sessions.join(call.id, CALLER);
    await sessions.join(call.id, CALLEE);
    const keys = [
      `call:${call.id}`,
      `call:${call.id}:participants`,
      `call:${call.id}:joined`,
      `call:${call.id}:seats`,
      `chat:${call.chatId}:call`,
      `user:${CALLER}:call`,
      `user:${CALLEE}:call`,
    ];
    for (const key of keys) {
      const ttl = await redis.ttl(key);
      expect(ttl, key).toBeGreaterThan(SESSION_TTL_SECONDS - 60);
      expect(ttl, key).toBeLessThanOrEqual(SESSION_TTL_SECONDS);
    }
    await sessions.end(call.id, 'hangup');
  });

  it('keeps a call longer than 12 hours: its keys get a new horizon while it lasts, and a later join keeps it', async () => {
    const call = newCall({ chatType: 'group' });
    await sessions.start(call);
    await sessions.join(call.id, CALLER);
    await sessions.note(call.id, 'join', CALLER);
    // Eleven and a half hours in: half an hour of the horizon left.
    const keys = [
      `call:${call.id}`,
      `call:${call.id}:participants`,
      `call:${call.id}:seats`,
      `call:${call.id}:timeline`,
      `chat:${call.chatId}:call`,
      `user:${CALLER}:call`,
    ];
    for (const key of keys) await redis.expire(key, 1_800);
    expect(await sessions.keepAlive(call.id)).toBe(true);
    for (const key of keys) expect(await redis.ttl(key), key).toBeGreaterThan(SESSION_TTL_SECONDS - 60);
    expect(await sessions.keepAlive(call.id)).toBe(false); // a full horizon is left: nothing to do
    await sessions.join(call.id, CALLEE);
    expect(await redis.ttl(`user:${CALLEE}:call`)).toBeGreaterThan(SESSION_TTL_SECONDS - 60);
    await sessions.end(call.id, 'hangup');
    expect(await sessions.keepAlive(call.id)).toBe(false);
  });

  it('tells the transition that ended a call apart from a leave or decline that came after it', async () => {
    const call = newCall();
    await sessions.start(call);
    await sessions.join(call.id, CALLER);
    await sessions.join(call.id, CALLEE);
    expect(await sessions.leave(call.id, CALLER, 0)).toBe('ended');
    // LiveKit's participant_left for the other side arrives after the hang-up: nothing more to announce.
    expect(await sessions.leave(call.id, CALLEE, 0)).toBe('already-ended');
    expect(await sessions.decline(call.id, CALLEE)).toBe('already-ended');
    expect(await sessions.get(call.id)).toMatchObject({ status: 'ended', endReason: 'hangup' });
  });

  it('gives each join a new seat, and lets only the current seat leave', async () => {
    const call = newCall({ chatType: 'group' });
    await sessions.start(call);
    await sessions.join(call.id, CALLER);
    const first = await sessions.join(call.id, CALLEE);
    const second = await sessions.join(call.id, CALLEE); // a reload: a new connection, a new token
    expect(second.seat).not.toBe(first.seat);
    expect(await sessions.seatOf(call.id, CALLEE)).toBe(second.seat);
    // LiveKit's late participant_left for the first connection does not take out the second.
    expect(await sessions.leave(call.id, CALLEE, 60_000, { seat: first.seat })).toBe('stale');
    expect((await sessions.get(call.id))?.participants).toContain(CALLEE);
    expect(await sessions.leave(call.id, CALLEE, 60_000, { seat: second.seat })).toBe('left');
    expect(await sessions.seatOf(call.id, CALLEE)).toBeNull();
    await sessions.end(call.id, 'hangup');
    expect(await sessions.seatOf(call.id, CALLER)).toBeNull();
  });

  it("keeps each user's own index of the calls they are in or rung for, through ring, join, decline, timeout and end", async () => {
    // People of their own: earlier tests leave calls ringing for A and B.
    const [A, B, THIRD] = ['dddddddddddddddddddddddd', 'eeeeeeeeeeeeeeeeeeeeeeee', 'cccccccccccccccccccccccc'];
    const group = newCall({
      chatType: 'group',
      initiatorId: A,
      invited: [B, THIRD],
      members: [A, B, THIRD],
      ringDeadlineMs: Date.now() + 1_000,
    });
    await sessions.start(group);
    await sessions.join(group.id, A);
    expect(await sessions.callIdsOf(B)).toEqual([group.id]);
    expect(await sessions.callIdsOf(THIRD)).toEqual([group.id]);
    await sessions.decline(group.id, THIRD);
    expect(await sessions.callIdsOf(THIRD)).toEqual([]);
    await sessions.sweep(Date.now() + 2_000); // the ring times out; the call goes on
    expect(await sessions.callIdsOf(B)).toEqual([]);
    expect(await sessions.callIdsOf(A)).toEqual([group.id]);

    const personal = newCall({ initiatorId: A, invited: [THIRD], members: [A, THIRD] });
    await sessions.start(personal);
    expect(await sessions.callIdsOf(THIRD)).toEqual([personal.id]);
    await sessions.end(personal.id, 'hangup');
    expect(await sessions.callIdsOf(THIRD)).toEqual([]);
    await sessions.end(group.id, 'hangup');
    expect(await sessions.callIdsOf(A)).toEqual([]);
  });

  it('stops the ring of someone who left the chat, and they hear no more of the call', async () => {
    const [A, B, C] = ['f1f1f1f1f1f1f1f1f1f1f1f1', 'f2f2f2f2f2f2f2f2f2f2f2f2', 'f3f3f3f3f3f3f3f3f3f3f3f3'];
    const group = newCall({ chatType: 'group', initiatorId: A, invited: [B, C], members: [A, B, C] });
    await sessions.start(group);
    await sessions.join(group.id, A);
    await sessions.dropFromAudience(group.id, [B]);
    expect(await sessions.audience(group.id)).toEqual([A, C]);
    expect((await sessions.get(group.id))!.invited).toEqual([C]);
    expect(await sessions.callIdsOf(B)).toEqual([]);
    expect(await sessions.callIdsOf(C)).toEqual([group.id]);
    await sessions.end(group.id, 'hangup');
  });

  it('ends an unanswered personal call as missed at the ring deadline, and only then', async () => {
    const call = newCall({ ringDeadlineMs: Date.now() + 1_000 });
    await sessions.start(call);
    await sessions.join(call.id, CALLER);
    expect((await sessions.sweep(Date.now())).ended).not.toContain(call.id);
    expect((await sessions.sweep(Date.now() + 2_000)).ended).toContain(call.id);
    expect(await sessions.get(call.id)).toMatchObject({ status: 'ended', endReason: 'missed' });
    expect(await sessions.currentCallOf(CALLER)).toBeNull();
  });

  it('stops ringing a group call at the ring deadline but keeps it live, and says so once', async () => {
    const call = newCall({ chatType: 'group', ringDeadlineMs: Date.now() + 1_000 });
    await sessions.start(call);
    await sessions.join(call.id, CALLER);
    expect((await sessions.sweep(Date.now())).quieted).not.toContain(call.id);
    const swept = await sessions.sweep(Date.now() + 2_000);
    expect(swept).toMatchObject({ quieted: [call.id] });
    expect(swept.ended).not.toContain(call.id);
    expect(await sessions.get(call.id)).toMatchObject({ invited: [], endReason: null });
    expect((await sessions.sweep(Date.now() + 3_000)).quieted).not.toContain(call.id);
    await sessions.end(call.id, 'hangup');
  });

  it('gives a ring again its own deadline: the sweep stops the first rings at theirs and the new one only at its own', async () => {
    const [A, B, C, LATE] = [
      'a1a1a1a1a1a1a1a1a1a1a1a1',
      'b1b1b1b1b1b1b1b1b1b1b1b1',
      'c1c1c1c1c1c1c1c1c1c1c1c1',
      'd1d1d1d1d1d1d1d1d1d1d1d1',
    ];
    const now = Date.now();
    const call = newCall({ chatType: 'group', initiatorId: A, members: [A, B, C], invited: [B], ringDeadlineMs: now + 1_000 });
    await sessions.start(call, now);
    await sessions.join(call.id, A, now);
    // C was not rung at the start; B's ring is half over when both are rung (again) for 45 s from then.
    expect(await sessions.ring(call.id, C, now + 500 + 45_000, now + 500)).toBe('ringing');
    expect(await sessions.ring(call.id, B, now + 500 + 45_000, now + 500)).toBe('ringing');
    expect(await sessions.callIdsOf(C)).toEqual([call.id]);
    expect((await sessions.sweep(now + 2_000)).quieted).not.toContain(call.id);
    expect((await sessions.get(call.id))?.invited).toEqual([B, C].sort());
    // Someone who joined the chat after the call started hears about it once rung.
    expect(await sessions.ring(call.id, LATE, now + 10_000, now + 2_000)).toBe('ringing');
    expect(await sessions.audience(call.id)).toEqual([A, B, C, LATE]);
    expect((await sessions.sweep(now + 11_000)).quieted).toEqual([call.id]);
    expect((await sessions.get(call.id))?.invited).toEqual([B, C].sort());
    expect(await sessions.callIdsOf(LATE)).toEqual([]);
    expect((await sessions.sweep(now + 46_000)).quieted).toEqual([call.id]);
    expect((await sessions.get(call.id))?.invited).toEqual([]);
    expect(await sessions.callIdsOf(B)).toEqual([]);
    expect(await sessions.ring(call.id, A, now + 50_000)).toBe('in-call');
    await sessions.end(call.id, 'hangup');
    expect(await sessions.ring(call.id, B, now + 50_000)).toBe('ended');
    expect(await sessions.ring('c_nosuchcallnosuchcall', B, now + 50_000)).toBe('gone');
  });

  it('lets a ring again keep a personal call ringing until its own deadline before it is missed', async () => {
    const now = Date.now();
    const call = newCall({ ringDeadlineMs: now + 1_000 });
    await sessions.start(call, now);
    await sessions.join(call.id, CALLER, now);
    expect(await sessions.ring(call.id, CALLEE, now + 5_000, now + 500)).toBe('ringing');
    expect((await sessions.sweep(now + 2_000)).ended).not.toContain(call.id);
    expect((await sessions.sweep(now + 6_000)).ended).toContain(call.id);
    expect(await sessions.get(call.id)).toMatchObject({ status: 'ended', endReason: 'missed' });
  });

  /**
   * Property: whatever order accept, decline, hang-up by either side and the ring timeout arrive in,
   * concurrently, the call ends up in exactly one consistent state. fast-check picks which steps happen, in
   * which order, and how they are cut into batches (one batch after another, the steps of a batch all at once);
   * a failure prints the seed and the shrunk case, and FC_SEED=<seed> replays it.
   */
  it('always ends in one consistent state under random interleavings', async () => {
    type Step = 'accept' | 'decline' | 'callerLeaves' | 'calleeLeaves' | 'timeout';
    const steps: Step[] = ['accept', 'decline', 'callerLeaves', 'calleeLeaves', 'timeout'];
    // `cuts[i]`: the i-th picked step starts a new batch (the first always does).
    const scenario = fc.record({
      picked: fc.shuffledSubarray(steps),
      cuts: fc.array(fc.boolean(), { minLength: steps.length, maxLength: steps.length }),
    });
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(scenario, async ({ picked, cuts }) => {
        const call = newCall({ ringDeadlineMs: Date.now() - 1 });
        await sessions.start(call);
        await sessions.join(call.id, CALLER);
        const run = (step: Step) => {
          switch (step) {
            case 'accept':
              return sessions.join(call.id, CALLEE);
            case 'decline':
              return sessions.decline(call.id, CALLEE);
            case 'callerLeaves':
              return sessions.leave(call.id, CALLER, 0);
            case 'calleeLeaves':
              return sessions.leave(call.id, CALLEE, 0);
            case 'timeout':
              return sessions.sweep();
          }
        };
        const batches: Step[][] = [];
        picked.forEach((step, i) => {
          if (i === 0 || cuts[i]) batches.push([step]);
          else batches[batches.length - 1]!.push(step);
        });
        for (const batch of batches) await Promise.all(batch.map(run));

        const state = (await sessions.get(call.id))!;
        outcomes.add(`${state.status}:${state.endReason}`);
        const chatCall = await sessions.liveCallOfChat(call.chatId);
        const callerCall = await sessions.currentCallOf(CALLER);
        const calleeCall = await sessions.currentCallOf(CALLEE);
        const ringing = await redis.zscore('calls:ringing', call.id);
        const context = JSON.stringify({ batches, state });
        if (state.status === 'ended') {
          expect(state.endReason, context).toMatch(/^(missed|declined|hangup)$/);
          expect(state.endedAt, context).not.toBeNull();
          expect(
            [chatCall, callerCall === call.id ? callerCall : null, calleeCall === call.id ? calleeCall : null, ringing],
            context,
          ).toEqual([null, null, null, null]);
          expect(state.participants, context).toEqual([]);
          // An accepted call can only end by a hang-up, and a hang-up needs an accepted call.
          expect(state.answeredAt !== null, context).toBe(state.endReason === 'hangup');
        } else {
          expect(chatCall, context).toBe(call.id);
          if (state.status === 'active') {
            expect(state.answeredAt, context).not.toBeNull();
            expect(state.participants, context).toContain(CALLEE);
            expect(calleeCall, context).toBe(call.id);
            expect(ringing, context).toBeNull();
          } else {
            expect(
              picked.filter((s) => s !== 'calleeLeaves'),
              context,
            ).toEqual([]); // nothing decisive happened
          }
          await sessions.end(call.id, 'hangup');
        }
      }),
      { numRuns: 300, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
    // The runs reached every kind of ending, so the checks above were exercised on each.
    expect([...outcomes].sort()).toEqual(expect.arrayContaining(['ended:declined', 'ended:hangup', 'ended:missed', 'active:null']));
  });
});
