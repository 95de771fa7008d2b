/**
 * One push on `push.users` carries a frame and the users it is for: their ids, comma-separated, a newline, then the
 * frame's bytes exactly as sockets get them. Every gateway takes every push and delivers it to those of the users it
 * holds; the frame is never parsed or re-encoded on the way. User ids never hold a comma or a newline, and a JSON
 * frame never holds a raw newline, so the first newline ends the list.
 */
const NEWLINE = 0x0a;

/** A push to a channel of many thousands goes as several of at most this many users, each a modest NATS message. */
export const PUSH_USERS_PER_MESSAGE = 1_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodePush = (userIds: readonly string[], frame: string): Uint8Array => encoder.encode(`${userIds.join(',')}\n${frame}`);

export interface DecodedPush {
  userIds: string[];
  /** A view of the message's own bytes: nothing is copied. */
  frame: Uint8Array;
}

/** Null for bytes that are not a push (no newline, or no user before it). */
export const decodePush = (bytes: Uint8Array): DecodedPush | null => {
  const end = bytes.indexOf(NEWLINE);
  if (end <= 0) return null;
  return { userIds: decoder.decode(bytes.subarray(0, end)).split(','), frame: bytes.subarray(end + 1) };
};
