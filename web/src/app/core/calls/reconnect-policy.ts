import type { ReconnectContext, ReconnectPolicy } from 'livekit-client';

/** How long a call keeps trying to get its media back before it says the connection is lost. */
export const RECONNECT_FOR_MS = 60_000;
const FIRST_DELAYS_MS = [0, 300, 1200, 2700];
const LATER_DELAY_MS = 3000;

/**
 * When livekit-client gives up reconnecting, and how long it waits between tries.
 *
 * Its default gives up after ten tries, ~44 s of waits when each try fails fast. When the LiveKit node holding a room
 * dies, a try fails fast until the cluster sees the node gone (its stats go stale) and starts the room again on
 * another node; on a busy machine that can take longer than the ten tries last, and the call would end for a person
 * who would have been back seconds later. Like Discord, the call keeps trying for a fixed time instead of a fixed count,
 * no more than 3 s apart, so it is back soon after the room is.
 */
export const reconnectPolicy: ReconnectPolicy = {
  nextRetryDelayInMs({ retryCount, elapsedMs }: ReconnectContext): number | null {
    if (elapsedMs >= RECONNECT_FOR_MS) return null;
    const delay = FIRST_DELAYS_MS[retryCount] ?? LATER_DELAY_MS;
    // Spread out (±50 %) so the people of a call that lost its node do not all try at the same moment.
    const spread = Math.round(delay * (0.5 + Math.random()));
    return Math.min(spread, RECONNECT_FOR_MS - elapsedMs);
  },
};
