import type { CallLogEntry } from '@messenger/contracts';
import { attendanceOf, outcomeOf, type CallOutcome } from './call-history';
import { aLogEntry } from './call-history.testing';

describe('outcomeOf: how an ended call reads to the viewer', () => {
  const answered = '2026-11-25T10:00:05.000Z';
  it.each<[string, Partial<CallLogEntry>, string, CallOutcome]>([
    ['a call someone answered, to the caller', { answeredAt: answered, endReason: 'hangup' }, 'caller', 'answered'],
    ['a call someone answered, to the callee', { answeredAt: answered, endReason: 'hangup' }, 'callee', 'answered'],
    ['a group call an admin ended for all', { answeredAt: answered, endReason: 'ended-by-admin' }, 'callee', 'answered'],
    ['an unanswered call, to the callee', { endReason: 'missed' }, 'callee', 'missed'],
    ['an unanswered call, to the caller', { endReason: 'missed' }, 'caller', 'no-answer'],
    ['a group call nobody joined, to a member', { endReason: 'empty' }, 'callee', 'missed'],
    ['a group call nobody joined, to its starter', { endReason: 'empty' }, 'caller', 'no-answer'],
    ['a declined call, to the caller', { endReason: 'declined' }, 'caller', 'declined'],
    ['a declined call, to the one who declined', { endReason: 'declined' }, 'callee', 'declined'],
    ['a busy callee, to the caller', { endReason: 'busy' }, 'caller', 'busy'],
    ['a busy callee, to the callee', { endReason: 'busy' }, 'callee', 'missed'],
  ])('%s', (_, entry, viewer, outcome) => {
    expect(outcomeOf(aLogEntry({ initiatorId: 'caller', ...entry }), viewer)).toBe(outcome);
  });
});

describe('attendanceOf', () => {
  it('groups stays by person in the order they first came, with each stay and the sum', () => {
    const entry = aLogEntry({
      endedAt: '2026-11-25T10:05:00.000Z',
      participants: [
        { userId: 'b', joinedAt: '2026-11-25T10:00:10.000Z', leftAt: '2026-11-25T10:01:00.000Z' },
        { userId: 'a', joinedAt: '2026-11-25T10:00:00.000Z', leftAt: '2026-11-25T10:05:00.000Z' },
        { userId: 'b', joinedAt: '2026-11-25T10:02:00.000Z', leftAt: '2026-11-25T10:02:30.000Z' },
      ],
    });
    expect(attendanceOf(entry)).toEqual([
      { userId: 'a', seconds: 300, stays: [{ joinedAt: '2026-11-25T10:00:00.000Z', leftAt: '2026-11-25T10:05:00.000Z', seconds: 300 }] },
      {
        userId: 'b',
        seconds: 80,
        stays: [
          { joinedAt: '2026-11-25T10:00:10.000Z', leftAt: '2026-11-25T10:01:00.000Z', seconds: 50 },
          { joinedAt: '2026-11-25T10:02:00.000Z', leftAt: '2026-11-25T10:02:30.000Z', seconds: 30 },
        ],
      },
    ]);
  });

  it('closes a stay with no leave time at the end of the call', () => {
    const entry = aLogEntry({
      endedAt: '2026-11-25T10:00:42.000Z',
      participants: [{ userId: 'a', joinedAt: '2026-11-25T10:00:00.000Z', leftAt: null }],
    });
    expect(attendanceOf(entry)[0]!.stays[0]).toEqual({ joinedAt: '2026-11-25T10:00:00.000Z', leftAt: '2026-11-25T10:00:42.000Z', seconds: 42 });
  });
});
