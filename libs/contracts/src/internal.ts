import { z } from 'zod';
import { CallSettings, ChatType, Membership, MembershipRequest, Permissions, Role } from './schemas/chats.js';
import { Id, IsoDate } from './schemas/common.js';
import { UserSummariesReply, UserSummariesRequest } from './schemas/users.js';
import { SUBJECT } from './subjects.js';

/**
 * What one service asks another over NATS (never routed from the edge): the request each subject takes and the
 * answer it gives. kit's `askService` sends the one and checks the other, so no caller casts a reply.
 */
export const SERVICE_QUESTIONS = {
  [SUBJECT.groups.membership]: { request: MembershipRequest, reply: Membership },
  [SUBJECT.groups.contacts]: {
    request: z.strictObject({ userIds: z.array(Id).min(1).max(100) }),
    reply: z.object({ contacts: z.record(z.string(), z.array(z.string())) }),
  },
  [SUBJECT.users.summaries]: { request: UserSummariesRequest, reply: UserSummariesReply },
} as const;
export type ServiceQuestion = keyof typeof SERVICE_QUESTIONS;
export type QuestionRequest<S extends ServiceQuestion> = z.infer<(typeof SERVICE_QUESTIONS)[S]['request']>;
export type QuestionReply<S extends ServiceQuestion> = z.infer<(typeof SERVICE_QUESTIONS)[S]['reply']>;

/**
 * A session is over (signed out, or its refresh family revoked): every gateway closes the sockets opened with
 * its access tokens (`sid`); without a session id, every socket of the user.
 */
export const SessionEnded = z.object({ userId: Id, sessionId: z.string().min(1).max(100).optional() });
export type SessionEnded = z.infer<typeof SessionEnded>;

/**
 * Subjects that stay inside one service, between its replicas (core NATS, best-effort: a replica that
 * misses one finds out from the chat's generation in Redis and reloads). Never routed from the edge.
 */
export const INTERNAL = {
  /** A groups replica changed a chat: the others replace their cached copy (or drop it: `chat: null`). */
  chatState: 'internal.groups.chat-state',
} as const;

/** A chat's rules and members as the groups service caches them: everything a permission depends on. */
export const ChatStateRecord = z.object({
  id: Id,
  type: ChatType,
  name: z.string(),
  description: z.string(),
  avatarVersion: z.number().nullable(),
  participants: z.array(
    z.object({
      user: z.string(),
      role: Role,
      joinedAt: IsoDate,
      addedBy: z.string().nullable(),
      permissions: Permissions,
      ringMuted: z.boolean(),
      mutedUntil: IsoDate.nullable().optional(),
    }),
  ),
  memberCount: z.number().int(),
  createdBy: z.string(),
  maxMembers: z.number().int(),
  callSettings: CallSettings,
  pairKey: z.string(),
  liveCallId: z.string().nullable(),
  version: z.number().int(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type ChatStateRecord = z.infer<typeof ChatStateRecord>;

export const ChatStateChanged = z.object({
  chatId: Id,
  /** The chat's generation in Redis after the change; a cached copy is current only while they match. */
  gen: z.string(),
  chat: ChatStateRecord.nullable(),
});
export type ChatStateChanged = z.infer<typeof ChatStateChanged>;
