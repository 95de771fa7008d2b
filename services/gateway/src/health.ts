import type { NatsConnection } from '@nats-io/transport-node';
import { healthSubject, SERVICE_NAMES, type ServiceName } from '@messenger/contracts';
import { requestService } from '@messenger/kit/edge';

export interface HealthReport {
  status: 'ok' | 'degraded';
  gateway: { id: string; connections: number; nats: 'ok' | 'down' };
  services: Record<string, unknown>;
}

/** Asks one replica of each service for its readiness over NATS, in parallel, with a short timeout. */
export const collectHealth = async (
  nats: NatsConnection,
  gateway: { id: string; connections: number },
  services: readonly ServiceName[] = SERVICE_NAMES,
): Promise<HealthReport> => {
  const natsUp = !nats.isClosed();
  const entries = await Promise.all(
    services.map(async (name) => {
      if (!natsUp) return [name, { status: 'down', reason: 'gateway has no NATS connection' }] as const;
      const reply = await requestService(nats, healthSubject(name), {}, { timeoutMs: 1_000 });
      if (!reply.ok) return [name, { status: 'down', reason: reply.error.code }] as const;
      return [name, reply.response as { status: string }] as const;
    }),
  );
  const servicesReport = Object.fromEntries(entries);
  const allOk = natsUp && entries.every(([, value]) => (value as { status: string }).status === 'ok');
  return {
    status: allOk ? 'ok' : 'degraded',
    gateway: { ...gateway, nats: natsUp ? 'ok' : 'down' },
    services: servicesReport,
  };
};
