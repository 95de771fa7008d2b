import type { Chat } from '@messenger/contracts';
import { abilitiesIn } from '../chats/abilities';

/** What the viewer may do in the call of this chat, by the shared permission rule (decide in libs/contracts). */
export interface CallAbilities {
  /** Mute, remove, lower someone's hand. */
  moderate: boolean;
  endForAll: boolean;
  ring: boolean;
}

export const callAbilitiesIn = (chat: Chat | null | undefined, myId: string): CallAbilities => {
  if (!chat) return { moderate: false, endForAll: false, ring: false };
  const abilities = abilitiesIn(chat, myId);
  return { moderate: abilities.can('moderateCall'), endForAll: abilities.can('endCallForAll'), ring: abilities.can('ringAgain') };
};
