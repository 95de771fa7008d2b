import type { CallLogEntry } from '@messenger/contracts';
import { newId } from '../../testing/fakes';

/** A call log line for tests: an unanswered audio call unless told otherwise. */
export const aLogEntry = (overrides: Partial<CallLogEntry> = {}): CallLogEntry => ({
  id: `c_${newId().slice(-20)}`,
  chatId: newId(),
  type: 'audio',
  initiatorId: newId(),
  participants: [],
  startedAt: '2026-11-25T10:00:00.000Z',
  answeredAt: null,
  endedAt: '2026-11-25T10:00:20.000Z',
  durationSeconds: 0,
  endReason: 'missed',
  ...overrides,
});
