import type { Call, CallLogEntry } from '@messenger/contracts';

/**
 * The log line of an ended call, from its session and timeline: each stay in the call is a
 * participant interval (a rejoin is a second one); a stay still open at the end closes with the call.
 * Duration counts from the answer (personal) or the start (groups); an unanswered call lasted 0 s.
 */
export const callLogEntry = (call: Call, timeline: { kind: 'join' | 'leave'; userId: string; at: number }[]): CallLogEntry => {
  const endedAt = Date.parse(call.endedAt ?? new Date().toISOString());
  const open = new Map<string, number>();
  const participants: CallLogEntry['participants'] = [];
  for (const step of [...timeline].sort((a, b) => a.at - b.at)) {
    if (step.kind === 'join' && !open.has(step.userId)) open.set(step.userId, step.at);
    if (step.kind === 'leave' && open.has(step.userId)) {
      participants.push({
        userId: step.userId,
        joinedAt: new Date(open.get(step.userId)!).toISOString(),
        leftAt: new Date(step.at).toISOString(),
      });
      open.delete(step.userId);
    }
  }
  for (const [userId, at] of open)
    participants.push({ userId, joinedAt: new Date(at).toISOString(), leftAt: new Date(endedAt).toISOString() });
  const from = call.chatType === 'personal' ? (call.answeredAt ? Date.parse(call.answeredAt) : endedAt) : Date.parse(call.createdAt);
  return {
    id: call.id,
    chatId: call.chatId,
    type: call.type,
    initiatorId: call.initiatorId,
    participants: participants.sort((a, b) => a.joinedAt.localeCompare(b.joinedAt)),
    startedAt: call.createdAt,
    answeredAt: call.answeredAt,
    endedAt: new Date(endedAt).toISOString(),
    durationSeconds: Math.max(0, Math.round((endedAt - from) / 1000)),
    endReason: call.endReason ?? 'hangup',
  };
};
