import { describe, expect, it } from 'vitest';
import type { Call } from '@messenger/contracts';
import { callLogEntry } from './call-log-entry.js';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const t = (s: number) => Date.parse('2026-01-01T10:00:00Z') + s * 1000;
const iso = (s: number) => new Date(t(s)).toISOString();
const call = (over: Partial<Call>): Call => ({
  id: 'c_x',
  chatId: 'cccccccccccccccccccccccc',
  chatType: 'personal',
  type: 'video',
  status: 'ended',
  initiatorId: A,
  participants: [],
  invited: [],
  createdAt: iso(0),
  answeredAt: iso(5),
  endedAt: iso(5 + 754),
  endReason: 'hangup',
  ...over,
});

describe('callLogEntry', () => {
  it('times a personal call from the answer, with each stay as an interval', () => {
    const entry = callLogEntry(call({}), [
      { kind: 'join', userId: A, at: t(0) },
      { kind: 'join', userId: B, at: t(5) },
      { kind: 'leave', userId: B, at: t(100) },
      { kind: 'join', userId: B, at: t(110) },
    ]);
    expect(entry.durationSeconds).toBe(754);
    expect(entry.participants).toEqual([
      { userId: A, joinedAt: iso(0), leftAt: iso(759) },
      { userId: B, joinedAt: iso(5), leftAt: iso(100) },
      { userId: B, joinedAt: iso(110), leftAt: iso(759) },
    ]);
  });

  it('gives an unanswered call no duration', () => {
    expect(callLogEntry(call({ answeredAt: null, endedAt: iso(45), endReason: 'missed' }), []).durationSeconds).toBe(0);
  });

  it('times a group call from its start', () => {
    expect(callLogEntry(call({ chatType: 'group', answeredAt: null, endedAt: iso(90), endReason: 'empty' }), []).durationSeconds).toBe(90);
  });
});
