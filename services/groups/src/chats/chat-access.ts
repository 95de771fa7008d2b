import { ServiceError } from '@messenger/kit';
import type { ChatDoc, ParticipantDoc } from './chat.model.js';
import type { ChatsRepository } from './chats.repository.js';
import { decide, type Action } from '@messenger/contracts';

/** "Not found" and "not a member" read the same, so a chat's existence never leaks. */
export const chatNotFound = () => new ServiceError('NOT_FOUND', 'chat not found');

export interface Access {
  chat: ChatDoc;
  me: ParticipantDoc;
}

export const loadAccess = async (chats: ChatsRepository, chatId: string, userId: string): Promise<Access> => {
  const chat = await chats.findById(chatId);
  const me = chat?.participants.find((p) => p.user === userId);
  if (!chat || !me) throw chatNotFound();
  return { chat, me };
};

/** The one place a permission is checked; a refusal names what was missing. */
export const requirePermission = (access: Access, action: Action, target?: ParticipantDoc): void => {
  const verdict = decide(access.chat.type, access.me, action, target);
  if (!verdict.allowed) throw new ServiceError('PERMISSION_DENIED', `not allowed: ${action}`, { permission: verdict.permission });
};
