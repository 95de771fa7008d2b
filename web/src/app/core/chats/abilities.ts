import { decide, type Action, type Chat, type Participant } from '@messenger/contracts';

/** What the viewer may do in a chat, by the same rule the groups service enforces (libs/contracts). */
export interface Abilities {
  me: Participant | null;
  can(action: Action, target?: Participant): boolean;
}

export const abilitiesIn = (chat: Chat, myId: string): Abilities => {
  const me = chat.participants.find((p) => p.user.id === myId) ?? null;
  return {
    me,
    can: (action, target) => {
      if (!me) return false;
      if (target?.user.id === myId) return false; // acting on myself is leaving, not an action here
      // Flags only limit members; an admin's are moot, so they are not offered.
      if (action === 'setPermissions' && target?.role !== 'member') return false;
      return decide(chat.type, me, action, target ? { role: target.role } : undefined).allowed;
    },
  };
};
