import { z } from 'zod';
import { PresenceStatus, User } from './schemas/users.js';
import { Chat, Message, MessageDeleted, MessageReactions, Permissions, ReadState, Role } from './schemas/chats.js';
import { Call, ModerationAction } from './schemas/calls.js';

/**
 * WebSocket frames. Server → client frames are `{type, data}`; the full list with payloads is in
 * docs/websocket.md and must stay in step with SERVER_FRAMES below (a test checks it).
 */
export const SERVER_FRAMES = {
  ready: z.object({ userId: z.string(), gatewayId: z.string() }),
  pong: z.object({ at: z.number() }),
  error: z.object({ code: z.string(), message: z.string() }),
  'user.updated': User,
  presence: PresenceStatus,
  'chat.created': Chat,
  'chat.updated': Chat,
  'chat.deleted': z.object({ chatId: z.string() }),
  'chat.member.added': z.object({ chatId: z.string(), userIds: z.array(z.string()) }),
  'chat.member.removed': z.object({ chatId: z.string(), userIds: z.array(z.string()) }),
  'chat.member.updated': z.object({ chatId: z.string(), userId: z.string(), role: Role, permissions: Permissions }),
  'message.created': Message,
  'message.read': ReadState,
  /** An edited message, whole (its text and editedAt changed). */
  'message.updated': Message,
  /** A message became a "message deleted" line; replies quoting it say so. */
  'message.deleted': MessageDeleted,
  /** A message's reactions, whole, after someone added or removed one. */
  'message.reactions': MessageReactions,
  typing: z.object({ chatId: z.string(), userId: z.string() }),
  /** `url`: the LiveKit server the client will connect to (as `join.url`), so a ringing client can warm the connection. */
  'call.incoming': z.object({ call: Call, callerId: z.string(), ring: z.boolean(), url: z.string() }),
  'call.updated': Call,
  'call.ended': Call,
  'call.answered-elsewhere': z.object({ callId: z.string() }),
  /** To the person a moderator acted on, so their client can say so (rather than seeing a mute or a drop unexplained). */
  'call.moderated': z.object({ callId: z.string(), action: ModerationAction, byId: z.string() }),
} as const;
export type ServerFrameType = keyof typeof SERVER_FRAMES;
export interface ServerFrame<T extends ServerFrameType = ServerFrameType> {
  type: T;
  data: z.infer<(typeof SERVER_FRAMES)[T]>;
}

export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('typing'), data: z.object({ chatId: z.string().regex(/^[a-f0-9]{24}$/) }) }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Limits the gateway enforces on sockets; exported so clients and tests agree with it. */
export const WS_LIMITS = {
  maxClientFrameBytes: 4 * 1024,
  idleTimeoutSeconds: 60,
} as const;

/**
 * Why the server closed a socket. `tokenExpired`: the access token it opened with ran out; the client refreshes,
 * reconnects at once and re-syncs. `sessionEnded`: signed out (here or elsewhere); reconnecting needs a sign-in.
 */
export const WS_CLOSE = {
  tokenExpired: 4001,
  sessionEnded: 4003,
} as const;
