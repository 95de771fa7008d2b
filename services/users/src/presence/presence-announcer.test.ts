import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '@messenger/kit';
import { PresenceAnnouncer, type PresenceOutlets } from './presence-announcer.js';

const logger = { warn: vi.fn(), info: vi.fn(), error: vi.fn(), debug: vi.fn() } as unknown as Logger;
const online = (userId: string) => ({ userId, online: true, lastSeenAt: null });
const offline = (userId: string) => ({ userId, online: false, lastSeenAt: '2026-12-02T08:00:00.000Z' });

/** Outlets that record what the announcer asked and sent; everyone's contacts are `friends-of-<id>`. */
const recording = (backNow: Set<string> = new Set(), answer = true) => {
  const questions: string[][] = [];
  const pushes: { to: string[]; status: unknown }[] = [];
  const outlets: PresenceOutlets = {
    contactsOf: async (ids) => {
      questions.push(ids);
      return answer ? new Map(ids.map((id) => [id, [`friends-of-${id}`]])) : null;
    },
    onlineNow: async (ids) => ids.map((id) => backNow.has(id)),
    push: (to, frame) => pushes.push({ to, status: JSON.parse(frame).data }),
  };
  return { outlets, questions, pushes };
};

describe('PresenceAnnouncer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks once for the contacts of everyone who came online within a window, and tells each their contacts', async () => {
    const { outlets, questions, pushes } = recording();
    const announcer = new PresenceAnnouncer(outlets, { windowMs: 100, offlineGraceMs: 3000 }, logger);
    announcer.cameOnline(online('a'));
    announcer.cameOnline(online('b'));
    await vi.advanceTimersByTimeAsync(99);
    expect(questions).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(questions).toEqual([['a', 'b']]);
    expect(pushes).toEqual([
      { to: ['friends-of-a'], status: online('a') },
      { to: ['friends-of-b'], status: online('b') },
    ]);
  });

  it('says nothing about someone who left and came back within the grace period', async () => {
    const { outlets, questions, pushes } = recording();
    const announcer = new PresenceAnnouncer(outlets, { windowMs: 100, offlineGraceMs: 3000 }, logger);
    announcer.wentOffline(offline('a'));
    await vi.advanceTimersByTimeAsync(2000);
    announcer.cameOnline(online('a'));
    await vi.advanceTimersByTimeAsync(5000);
    expect(questions).toEqual([]);
    expect(pushes).toEqual([]);
  });

  it('announces an offline after the grace period, unless Redis says the user is back through another replica', async () => {
    const { outlets, pushes } = recording(new Set(['back']));
    const announcer = new PresenceAnnouncer(outlets, { windowMs: 100, offlineGraceMs: 3000 }, logger);
    announcer.wentOffline(offline('gone'));
    announcer.wentOffline(offline('back'));
    await vi.advanceTimersByTimeAsync(2999);
    expect(pushes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(pushes).toEqual([{ to: ['friends-of-gone'], status: offline('gone') }]);
  });

  it('does not hold an online behind a pending offline grace', async () => {
    const { outlets, pushes } = recording();
    const announcer = new PresenceAnnouncer(outlets, { windowMs: 100, offlineGraceMs: 3000 }, logger);
    announcer.wentOffline(offline('a'));
    announcer.cameOnline(online('b'));
    await vi.advanceTimersByTimeAsync(100);
    expect(pushes).toEqual([{ to: ['friends-of-b'], status: online('b') }]);
    await vi.advanceTimersByTimeAsync(2900);
    expect(pushes.at(-1)).toEqual({ to: ['friends-of-a'], status: offline('a') });
  });

  it('asks about at most 25 users per question', async () => {
    const { outlets, questions, pushes } = recording();
    const announcer = new PresenceAnnouncer(outlets, { windowMs: 100, offlineGraceMs: 3000 }, logger);
    const ids = Array.from({ length: 60 }, (_, i) => `u${i}`);
    for (const id of ids) announcer.cameOnline(online(id));
    await vi.advanceTimersByTimeAsync(100);
    expect(questions.map((q) => q.length)).toEqual([25, 25, 10]);
    expect(questions.flat()).toEqual(ids);
    expect(pushes).toHaveLength(60);
  });

  it('sends what is pending at once when drained, grace or not', async () => {
    const { outlets, pushes } = recording();
    const announcer = new PresenceAnnouncer(outlets, { windowMs: 100, offlineGraceMs: 3000 }, logger);
    announcer.wentOffline(offline('a'));
    await announcer.drain();
    expect(pushes).toEqual([{ to: ['friends-of-a'], status: offline('a') }]);
  });

  it('drops a window the groups service could not answer, and goes on with the next', async () => {
    const failing = recording(new Set(), false);
    const announcer = new PresenceAnnouncer(failing.outlets, { windowMs: 100, offlineGraceMs: 3000 }, logger);
    announcer.cameOnline(online('a'));
    await vi.advanceTimersByTimeAsync(100);
    expect(failing.questions).toEqual([['a']]);
    expect(failing.pushes).toEqual([]);
    announcer.cameOnline(online('b'));
    await vi.advanceTimersByTimeAsync(100);
    expect(failing.questions).toEqual([['a'], ['b']]);
  });
});
