import type { Chat } from '@messenger/contracts';
import { abilitiesIn } from '../chats/abilities';

/** What the viewer may do in the call of this chat, by the shared permission rule (decide in libs/contracts). */
export interface CallAbilities {
  /** Mute, remove, lower the hand of this person (an admin: members only; nobody in a personal call). */
  moderates(userId: string): boolean;
  endForAll: boolean;
  ring: boolean;
}

export const callAbilitiesIn = (chat: Chat | null | undefined, myId: string): CallAbilities => {
  if (!chat) return { moderates: () => false, endForAll: false, ring: false };
  const abilities = abilitiesIn(chat, myId);
  return {
    moderates: (userId) => {
      const target = chat.participants.find((p) => p.user.id === userId);
      return !!target && abilities.can('moderateCall', target);
    },
    endForAll: abilities.can('endCallForAll'),
    ring: abilities.can('ringAgain'),
  };
};
