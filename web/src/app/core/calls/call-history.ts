import type { CallLogEntry } from '@messenger/contracts';

/**
 * How an ended call reads to the one looking at the log, as Telegram words it: the caller hears
 * "no answer" or "busy" where the callee "missed" it; a call someone took shows its duration.
 */
export type CallOutcome = 'answered' | 'missed' | 'declined' | 'no-answer' | 'busy';

export const outcomeOf = (entry: CallLogEntry, viewerId: string): CallOutcome => {
  const mine = entry.initiatorId === viewerId;
  if (entry.endReason === 'declined') return 'declined';
  // The callee was in another call: for them it went by unanswered.
  if (entry.endReason === 'busy') return mine ? 'busy' : 'missed';
  if (entry.answeredAt) return 'answered';
  return mine ? 'no-answer' : 'missed';
};

/** One person's time in the call: each stay (a rejoin is a second one) and their sum. */
export interface Attendance {
  userId: string;
  stays: { joinedAt: string; leftAt: string; seconds: number }[];
  seconds: number;
}

const secondsBetween = (from: string, to: string): number => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** Who was in the call, in the order they first came; a stay still open at the end closes with the call. */
export const attendanceOf = (entry: CallLogEntry): Attendance[] => {
  const byUser = new Map<string, Attendance>();
  for (const stay of [...entry.participants].sort((a, b) => a.joinedAt.localeCompare(b.joinedAt))) {
    const leftAt = stay.leftAt ?? entry.endedAt;
    const seconds = secondsBetween(stay.joinedAt, leftAt);
    const person = byUser.get(stay.userId) ?? { userId: stay.userId, stays: [], seconds: 0 };
    person.stays.push({ joinedAt: stay.joinedAt, leftAt, seconds });
    person.seconds += seconds;
    byUser.set(stay.userId, person);
  }
  return [...byUser.values()];
};
