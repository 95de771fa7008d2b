import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';

/**
 * Connects to NATS and keeps reconnecting for as long as the process lives: a NATS restart must not
 * take services or gateways down with it.
 */
export const connectNats = async (url: string, name: string, logger?: Logger): Promise<NatsConnection> => {
  const nc = await connect({
    servers: url.split(','),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 10_000,
  });
  if (logger) {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect') logger.warn({ nats: status.type }, 'nats connection changed');
      }
    })();
  }
  return nc;
};
