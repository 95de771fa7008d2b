import { ServiceError } from '@messenger/kit';
import { decide, type Action } from '@messenger/contracts';
import type { ChatDoc, ParticipantDoc } from './chat.model.js';

/** "Not found" and "not a member" read the same, so a chat's existence never leaks. */
export const chatNotFound = () => new ServiceError('NOT_FOUND', 'chat not found');

export interface Access {
  chat: ChatDoc;
  me: ParticipantDoc;
}

/** The one place a permission is checked; a refusal names what was missing. */
export const requirePermission = (access: Access, action: Action, target?: ParticipantDoc): void => {
  const verdict = decide(access.chat.type, access.me, action, target);
  if (!verdict.allowed) throw new ServiceError('PERMISSION_DENIED', `not allowed: ${action}`, { permission: verdict.permission });
};
