import { z } from 'zod';
import { User } from './schemas/users.js';
import { CallSettings } from './schemas/chats.js';
import { Call } from './schemas/calls.js';

/**
 * Durable facts on JetStream: other services must not miss them, so they are kept in a stream and
 * read by durable consumers that catch up after downtime. Each owning service has one stream.
 */
export const STREAMS = {
  users: { name: 'USERS', subjects: ['events.user.>'] },
  groups: { name: 'GROUPS', subjects: ['events.chat.>'] },
  calls: { name: 'CALLS', subjects: ['events.call.>'] },
  /** Facts a consumer failed to handle 20 times, kept for an operator: `dead.<consumer>.<original subject>`. */
  deadLetters: { name: 'DEAD_LETTERS', subjects: ['dead.>'] },
} as const;

/** Where a fact goes when the consumer `durable` has failed it for good. */
export const deadLetterSubject = (durable: string, subject: string): string => `dead.${durable}.${subject}`;

export const EVENT = {
  userRegistered: 'events.user.registered',
  userUpdated: 'events.user.updated',
  memberRemoved: 'events.chat.member-removed',
  chatDeleted: 'events.chat.deleted',
  callSettingsChanged: 'events.chat.call-settings-changed',
  rolesChanged: 'events.chat.roles-changed',
  callStarted: 'events.call.started',
  callEnded: 'events.call.ended',
} as const;

export const EVENT_SCHEMAS = {
  [EVENT.userRegistered]: z.object({ user: User }),
  [EVENT.userUpdated]: z.object({ user: User }),
  [EVENT.memberRemoved]: z.object({ chatId: z.string(), userIds: z.array(z.string()) }),
  [EVENT.chatDeleted]: z.object({ chatId: z.string(), memberIds: z.array(z.string()) }),
  [EVENT.callSettingsChanged]: z.object({ chatId: z.string(), callSettings: CallSettings }),
  /** Whose role changed (promotion, demotion, ownership transfer): what they may publish in a live call follows. */
  [EVENT.rolesChanged]: z.object({ chatId: z.string(), userIds: z.array(z.string()) }),
  [EVENT.callStarted]: z.object({ call: Call }),
  [EVENT.callEnded]: z.object({ call: Call, durationSeconds: z.number().int() }),
} as const;
export type EventSubject = keyof typeof EVENT_SCHEMAS;
export type EventPayload<S extends EventSubject> = z.infer<(typeof EVENT_SCHEMAS)[S]>;
