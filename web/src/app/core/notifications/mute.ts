import { MUTED_FOREVER, type Chat, type MuteFor } from '@messenger/contracts';

const HOUR_MS = 3_600_000;
const DURATIONS: Record<Exclude<MuteFor, 'forever' | 'off'>, number> = { '1h': HOUR_MS, '8h': 8 * HOUR_MS };

/** Until when I muted this chat's notifications, as the server keeps it on my membership; null when I did not. */
export const myMutedUntil = (chat: Chat, myId: string): string | null => chat.participants.find((p) => p.user.id === myId)?.mutedUntil ?? null;

/** A mute ends by itself: a date in the past is no mute, without waiting for the server to clear it. */
export const isMuted = (chat: Chat, myId: string, now = Date.now()): boolean => {
  const until = myMutedUntil(chat, myId);
  return until !== null && Date.parse(until) > now;
};

export const isMutedForever = (chat: Chat, myId: string): boolean => myMutedUntil(chat, myId) === MUTED_FOREVER;

/** Where a mute chosen now ends, the way the server computes it: shown at once, then replaced by the server's answer. */
export const mutedUntilFor = (muteFor: MuteFor, now = Date.now()): string | null => {
  if (muteFor === 'off') return null;
  if (muteFor === 'forever') return MUTED_FOREVER;
  return new Date(now + DURATIONS[muteFor]).toISOString();
};

/** The chat with my membership's mute set to `until` (the rest of the chat unchanged). */
export const withMutedUntil = (chat: Chat, myId: string, until: string | null): Chat => ({
  ...chat,
  participants: chat.participants.map((p) => (p.user.id === myId ? { ...p, mutedUntil: until } : p)),
});
