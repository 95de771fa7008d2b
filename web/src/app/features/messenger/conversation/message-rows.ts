import type { Message } from '@messenger/contracts';
import type { Outgoing } from '../../../core/chats/messages.store';

/** Messages from one sender within this long of each other share one header, as in Discord. */
const GROUP_WINDOW_MS = 5 * 60_000;

export type MessageRow =
  | { kind: 'day'; key: string; date: string }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; message: Message; head: boolean; mine: boolean }
  | { kind: 'outgoing'; key: string; outgoing: Outgoing };

const dayKey = (iso: string): string => {
  const date = new Date(iso);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
};

/**
 * The list as it is drawn: day separators, a "new messages" line before the first unread one, and
 * which messages start a new group (name and avatar shown) or continue the one above.
 */
export const buildRows = (items: Message[], outgoing: Outgoing[], myId: string, firstUnreadSeq: number | null): MessageRow[] => {
  const rows: MessageRow[] = [];
  let lastDay = '';
  let previous: Message | null = null;
  for (const message of items) {
    const day = dayKey(message.createdAt);
    if (day !== lastDay) {
      rows.push({ kind: 'day', key: `day-${day}`, date: message.createdAt });
      lastDay = day;
      previous = null;
    }
    if (firstUnreadSeq !== null && message.seq === firstUnreadSeq) {
      rows.push({ kind: 'unread', key: 'unread' });
      previous = null;
    }
    const head =
      message.kind === 'system' ||
      message.replyTo !== null ||
      previous === null ||
      previous.kind === 'system' ||
      previous.senderId !== message.senderId ||
      Date.parse(message.createdAt) - Date.parse(previous.createdAt) > GROUP_WINDOW_MS;
    rows.push({ kind: 'message', key: message.id, message, head, mine: message.senderId === myId });
    previous = message;
  }
  for (const pending of outgoing) {
    const day = dayKey(pending.createdAt);
    if (day !== lastDay) {
      rows.push({ kind: 'day', key: `day-${day}`, date: pending.createdAt });
      lastDay = day;
    }
    rows.push({ kind: 'outgoing', key: `out-${pending.clientId}`, outgoing: pending });
  }
  return rows;
};
