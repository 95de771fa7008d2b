import { z } from 'zod';
import { Id, IsoDate } from './common.js';

export const CallType = z.enum(['audio', 'video']);
export const CallStatus = z.enum(['ringing', 'active', 'ended']);
export const EndReason = z.enum(['hangup', 'declined', 'missed', 'busy', 'ended-by-admin', 'empty', 'chat-deleted', 'room-gone']);
export type EndReason = z.infer<typeof EndReason>;

export const Call = z.object({
  id: z.string(),
  chatId: Id,
  chatType: z.enum(['personal', 'group', 'channel']),
  type: CallType,
  status: CallStatus,
  initiatorId: Id,
  participants: z.array(Id),
  invited: z.array(Id),
  createdAt: IsoDate,
  answeredAt: IsoDate.nullable(),
  endedAt: IsoDate.nullable(),
  endReason: EndReason.nullable(),
});
export type Call = z.infer<typeof Call>;

/** Where and how to connect to the call's media: a LiveKit URL and a short-lived token for one room. */
export const JoinGrant = z.object({ url: z.string(), token: z.string() });
/** `join` is null when the call ended at once (the callee was busy): there is nothing to connect to. */
export const CallWithJoin = z.object({ call: Call, join: JoinGrant.nullable() });

export const StartCallBody = z.strictObject({ chatId: Id, type: CallType });
export const CallIdParams = z.strictObject({ callId: z.string().regex(/^c_[A-Za-z0-9_-]{16,40}$/, 'not a call id') });
export const CallParticipantParams = z.strictObject({ callId: CallIdParams.shape.callId, userId: Id });
export const ActiveCalls = z.object({ items: z.array(Call) });

/**
 * A raised hand: the LiveKit participant attribute `hand` holds the server's epoch ms when it was raised ('' or
 * absent: lowered). Only the server sets it (participants may not set their own attributes), so the order of hands
 * is the server's clock, not each client's.
 */
export const HAND_ATTRIBUTE = 'hand';
export const CallHand = z.object({ callId: z.string(), userId: Id, raisedAt: z.number().int().nullable() });
export type CallHand = z.infer<typeof CallHand>;

/** Told to the person a moderator acted on (`call.moderated`). */
export const ModerationAction = z.enum(['muted', 'removed', 'hand-lowered']);
export type ModerationAction = z.infer<typeof ModerationAction>;

export const CallLogEntry = z.object({
  id: z.string(),
  chatId: Id,
  type: CallType,
  initiatorId: Id,
  participants: z.array(z.object({ userId: Id, joinedAt: IsoDate, leftAt: IsoDate.nullable() })),
  startedAt: IsoDate,
  answeredAt: IsoDate.nullable(),
  endedAt: IsoDate,
  durationSeconds: z.number().int(),
  endReason: EndReason,
});
export type CallLogEntry = z.infer<typeof CallLogEntry>;
export const CallHistory = z.object({ items: z.array(CallLogEntry), nextCursor: z.string().nullable() });
export const CallHistoryQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(30) });
