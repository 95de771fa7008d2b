import type { Message } from '@messenger/contracts';
import type { MessageDoc } from './message.model.js';

export type SystemEventView = NonNullable<Message['system']>;

/** A stored system event as the API shows it (in a message, and in the chat list's preview). */
export const mapSystemEvent = (system: MessageDoc['system'] | undefined): SystemEventView | null =>
  system
    ? {
        kind: system.kind as SystemEventView['kind'],
        actorId: system.actorId,
        targetIds: system.targetIds,
        ...(system.details ? { details: system.details } : {}),
      }
    : null;
