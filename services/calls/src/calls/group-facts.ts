import { EVENT, type EventPayload } from '@messenger/contracts';
import type { LiveRules } from '../livekit/live-rules.js';
import type { CallLifecycle } from './call-lifecycle.js';

type GroupFact = typeof EVENT.memberRemoved | typeof EVENT.chatDeleted | typeof EVENT.callSettingsChanged | typeof EVENT.rolesChanged;

/** What the groups service decides that a live call must follow: who is out, whether the call goes on, new rules. */
export const handleGroupFact = async (
  { lifecycle, rules }: { lifecycle: CallLifecycle; rules: LiveRules },
  subject: GroupFact,
  payload: EventPayload<GroupFact>,
): Promise<void> => {
  switch (subject) {
    case EVENT.memberRemoved: {
      const { chatId, userIds } = payload as EventPayload<typeof EVENT.memberRemoved>;
      return lifecycle.removedFromChat(chatId, userIds);
    }
    case EVENT.chatDeleted:
      return lifecycle.chatDeleted((payload as EventPayload<typeof EVENT.chatDeleted>).chatId);
    case EVENT.callSettingsChanged: {
      const { chatId, callSettings } = payload as EventPayload<typeof EVENT.callSettingsChanged>;
      return rules.callSettingsChanged(chatId, callSettings.muteAll);
    }
    case EVENT.rolesChanged: {
      const { chatId, userIds } = payload as EventPayload<typeof EVENT.rolesChanged>;
      return rules.rolesChanged(chatId, userIds);
    }
  }
};
