import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { ConfigError } from '../config.js';

/**
 * The variables a process logs in to NATS with: its own user, allowed only the subjects it needs
 * (libs/kit/src/servers/nats-permissions.ts). Kit's stack and deploy/ set them; a NATS without
 * authorization (the integration tests' own) needs neither.
 */
export const NATS_LOGIN_VARIABLES = ['NATS_USER', 'NATS_PASSWORD'] as const;

/** Where a user's replies arrive. Each user may read only its own inbox, never the replies others get. */
export const natsInboxPrefix = (user: string): string => `_INBOX.${user}`;

export type NatsLoginOptions = Pick<ConnectionOptions, 'user' | 'pass' | 'inboxPrefix'>;

/**
 * nats.js options for the login in NATS_USER and NATS_PASSWORD (nothing without them). Every connection a
 * process opens takes them: this module's `connectNats` and the Nest ServerNats in `startService`.
 */
export const natsLoginOptions = (env: NodeJS.ProcessEnv = process.env): NatsLoginOptions => {
  const user = env.NATS_USER || undefined;
  const pass = env.NATS_PASSWORD || undefined;
  if (!user && !pass) return {};
  if (!user || !pass)
    throw new ConfigError(`config error: ${user ? 'NATS_PASSWORD' : 'NATS_USER'} is missing (NATS_USER and NATS_PASSWORD go together)`);
  // The user name is a token of its inbox subject.
  if (!/^[A-Za-z0-9_-]+$/.test(user)) throw new ConfigError('config error: NATS_USER is invalid (letters, digits, - and _ only)');
  return { user, pass, inboxPrefix: natsInboxPrefix(user) };
};

/**
 * How every connection of the product behaves, the services' request servers included:
 * - it keeps reconnecting for as long as the process lives, so a NATS restart does not take services or gateways
 *   down with it;
 * - it pings every 10 s, so a connection the network silently dropped is noticed in ~20 s, not NATS's default 4 min,
 *   and a replica cut off and reconnected takes requests again without a restart;
 * - no call-site trace is made for every request: nats.js builds a RequestError and a TimeoutError (each capturing a
 *   stack) up front for each request in case it fails, which was 1.5 % of the gateway's CPU per message sent in
 *   load/messaging (~0.4 ms per request at 200 sends/s). A timeout still says which subject it was for.
 */
export const NATS_CONNECTION_DEFAULTS = {
  maxReconnectAttempts: -1,
  reconnectTimeWait: 250,
  pingInterval: 10_000,
  noAsyncTraces: true,
} as const;

/**
 * Connects to NATS and keeps reconnecting for as long as the process lives: a NATS restart must not
 * take services or gateways down with it. The login comes from the environment (`natsLoginOptions`).
 */
export const connectNats = async (url: string, name: string, logger?: Logger): Promise<NatsConnection> => {
  const nc = await connect({
    servers: url.split(','),
    name,
    ...natsLoginOptions(),
    ...NATS_CONNECTION_DEFAULTS,
  });
  if (logger) {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect') logger.warn({ nats: status.type }, 'nats connection changed');
        // A subject this user may not use: a bug in the permission map or in the caller, never routine.
        if (status.type === 'error') logger.error({ err: status.error }, 'nats refused an operation');
      }
    })();
  }
  return nc;
};
