/**
 * Every Redis key the groups service owns, in one place. A chat's keys share the hash tag `{<chatId>}`, so
 * one script can touch them all, also on Redis Cluster.
 */
export const chatKey = {
  /** A random token, replaced (twice) by every change of the chat's rules; a cached copy is current while it matches. */
  gen: (chatId: string) => `chat:{${chatId}}:gen`,
  /** One writer at a time for changes of members, roles and settings. */
  lock: (chatId: string) => `chat:{${chatId}}:lock`,
  /** The last message number handed out. */
  seq: (chatId: string) => `chat:{${chatId}}:seq`,
  /** Hash member id → the highest seq they have read. */
  reads: (chatId: string) => `chat:{${chatId}}:reads`,
  /** The newest stored message's preview (JSON with its seq). */
  last: (chatId: string) => `chat:{${chatId}}:last`,
  /** A retried send's first answer, by sender and clientId. */
  sent: (chatId: string, userId: string, clientId: string) => `chat:{${chatId}}:sent:${userId}:${clientId}`,
  /** Sorted set seq → message JSON: the newest messages. */
  recent: (chatId: string) => `chat:{${chatId}}:recent`,
  /** Hash message id → seq, for the messages in `recent`. */
  recentIds: (chatId: string) => `chat:{${chatId}}:recent:ids`,
  /** The window holds every stored message with a seq at or above this (0: the whole history). Absent: not loaded. */
  recentFrom: (chatId: string) => `chat:{${chatId}}:recent:from`,
  /** Set of member ids. */
  members: (chatId: string) => `chat:{${chatId}}:members`,
  /** Hash message id → the message's JSON after an edit, a deletion or a reaction the store has not been given yet. */
  changed: (chatId: string) => `chat:{${chatId}}:changed`,
  /** Sorted set of deleted messages' seqs: unread counts leave them out, replies quoting them say so. */
  deleted: (chatId: string) => `chat:{${chatId}}:deleted`,
  /** Sorted set of the seqs of the newest messages mentioning a member: their "@" count is those after their read mark. */
  mentions: (chatId: string, userId: string) => `chat:{${chatId}}:mentions:${userId}`,
} as const;

/** Set of chat ids with changed messages the store has not been given yet (MessageChangeWriter drains it). */
export const CHANGED_CHATS = 'groups:messages:changed-chats';

export const userKey = {
  /** Set of the chat ids the user is in. */
  chats: (userId: string) => `member:{${userId}}:chats`,
} as const;

/** Set once the membership sets above have been built from the store; rebuilt when Redis lost them. */
export const INDEX_BUILT = 'groups:index:built';
export const INDEX_BUILD_LOCK = 'groups:index:building';
