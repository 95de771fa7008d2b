import type { Chat, Message } from '@messenger/contracts';
import { isMuted } from './mute';

/** What a new message does while the app runs: a system notification, a short sound, both or neither. */
export interface Alert {
  notify: boolean;
  sound: boolean;
}

export interface MessageMoment {
  message: Message;
  /** The chat as the list has it; null when the list does not know it (yet). */
  chat: Chat | null;
  myId: string;
  /** The tab is in the background (`document.visibilityState === 'hidden'`). */
  hidden: boolean;
  /** The chat open on screen, if any. */
  activeChatId: string | null;
  now?: number;
}

const QUIET: Alert = { notify: false, sound: false };

export const mentionsMe = (message: Message, myId: string): boolean => (message.mentions ?? []).includes(myId);

/**
 * Telegram's rule: my own messages and the chat's own lines (system) never alert; a muted chat stays quiet
 * unless the message mentions me. A notification only while the tab is hidden (on screen, the list shows it);
 * the sound also when the message lands in a chat other than the open one.
 */
export const messageAlert = ({ message, chat, myId, hidden, activeChatId, now = Date.now() }: MessageMoment): Alert => {
  if (!chat || !myId || message.senderId === null || message.senderId === myId || message.kind === 'system') return QUIET;
  if (isMuted(chat, myId, now) && !mentionsMe(message, myId)) return QUIET;
  return { notify: hidden, sound: hidden || activeChatId !== message.chatId };
};

/** A call that rings me notifies while the tab is hidden (the incoming-call card and ringtone cover the rest). */
export const callAlert = ({ ring, ended, hidden }: { ring: boolean; ended: boolean; hidden: boolean }): boolean => ring && !ended && hidden;

/**
 * The count in the tab's title, as Telegram counts its badge: unread messages in chats I hear from, and
 * only the mentions of me in chats I muted.
 */
export const unreadBadge = (chats: readonly Chat[], myId: string, now = Date.now()): number =>
  chats.reduce((sum, chat) => sum + (isMuted(chat, myId, now) ? (chat.mentionCount ?? 0) : chat.unreadCount), 0);

/** "(3) Messenger"; the bare name when nothing is unread. */
export const tabTitle = (base: string, unread: number): string => (unread > 0 ? `(${unread > 999 ? '999+' : unread}) ${base}` : base);
