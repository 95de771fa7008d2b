/**
 * How often each kind of request may be made: `points` requests per `seconds`, counted per signed-in user, or per
 * client address for routes used before signing in. A route names its class (`limit` in its contract); the
 * service answering it counts in Redis, so every replica shares one count. Operators override any of them with
 * `RATE_LIMITS="send=20/10,register=20/3600"`.
 */
export const RATE_LIMITS = {
  /** Sending messages: a fast typist's burst, not a script's. */
  send: { points: 20, seconds: 10, by: 'user' },
  register: { points: 20, seconds: 3600, by: 'address' },
  /** Groups, channels and personal chats: each one reaches other people. */
  createChat: { points: 30, seconds: 3600, by: 'user' },
  addMembers: { points: 60, seconds: 600, by: 'user' },
  search: { points: 30, seconds: 10, by: 'user' },
  presence: { points: 30, seconds: 10, by: 'user' },
  /** Pictures are decoded and resized: the costliest requests there are. */
  avatar: { points: 10, seconds: 600, by: 'user' },
  /** Edits, deletions and reactions: each one is pushed to everyone in the chat. */
  messageChange: { points: 60, seconds: 60, by: 'user' },
  /** Files: stored and (images) decoded and resized. */
  attachment: { points: 30, seconds: 600, by: 'user' },
  /** Searching a chat's messages. */
  messageSearch: { points: 30, seconds: 60, by: 'user' },
  /** Ringing someone again in a call: each one rings another person's devices. */
  ring: { points: 10, seconds: 60, by: 'user' },
  /** Raising and lowering a hand: each one reaches everyone in the call through LiveKit. */
  hand: { points: 20, seconds: 60, by: 'user' },
} as const satisfies Record<string, RateLimit>;

export interface RateLimit {
  points: number;
  seconds: number;
  by: 'user' | 'address';
}
export type RateLimitName = keyof typeof RATE_LIMITS;

/**
 * The limits in force: the defaults above with the overrides of `RATE_LIMITS` ("name=points/seconds", comma-joined).
 * Throws on an unknown name or a malformed value, so a typo stops the service instead of leaving a route open.
 */
export const rateLimitsFrom = (overrides: string | undefined): Record<RateLimitName, RateLimit> => {
  const limits: Record<string, RateLimit> = Object.fromEntries(Object.entries(RATE_LIMITS).map(([name, limit]) => [name, { ...limit }]));
  for (const entry of (overrides ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([a-zA-Z]+)=(\d+)\/(\d+)$/.exec(entry);
    if (!match) throw new Error(`RATE_LIMITS: "${entry}" is not name=points/seconds`);
    const [, name, points, seconds] = match as unknown as [string, string, string, string];
    const limit = limits[name];
    if (!limit) throw new Error(`RATE_LIMITS: no limit named "${name}" (known: ${Object.keys(RATE_LIMITS).join(', ')})`);
    if (Number(points) < 1 || Number(seconds) < 1) throw new Error(`RATE_LIMITS: "${entry}" needs at least 1 request in 1 second`);
    limits[name] = { ...limit, points: Number(points), seconds: Number(seconds) };
  }
  return limits as Record<RateLimitName, RateLimit>;
};
