import { EVENT, type EventPayload } from '@messenger/contracts';
import type { CallsService } from './calls.service.js';

type GroupFact = typeof EVENT.memberRemoved | typeof EVENT.chatDeleted | typeof EVENT.callSettingsChanged | typeof EVENT.rolesChanged;

/** What the groups service decides that a live call must follow. */
export const handleGroupFact = async (calls: CallsService, subject: GroupFact, payload: EventPayload<GroupFact>): Promise<void> => {
  switch (subject) {
    case EVENT.memberRemoved: {
      const { chatId, userIds } = payload as EventPayload<typeof EVENT.memberRemoved>;
      return calls.removedFromChat(chatId, userIds);
    }
    case EVENT.chatDeleted:
      return calls.chatDeleted((payload as EventPayload<typeof EVENT.chatDeleted>).chatId);
    case EVENT.callSettingsChanged:
      return calls.callSettingsChanged((payload as EventPayload<typeof EVENT.callSettingsChanged>).chatId);
    case EVENT.rolesChanged: {
      const { chatId, userIds } = payload as EventPayload<typeof EVENT.rolesChanged>;
      return calls.rolesChanged(chatId, userIds);
    }
  }
};
