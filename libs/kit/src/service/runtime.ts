import type { NatsConnection } from '@nats-io/transport-node';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ServiceName } from '@messenger/contracts';
import type { BaseConfig } from '../config.js';
import type { HealthServer } from './health-server.js';

/** What the kit hands every service module (inject with `@Inject(RUNTIME)`). */
export interface ServiceRuntime<C extends BaseConfig = BaseConfig> {
  name: ServiceName;
  config: C;
  logger: Logger;
  tracer: Tracer;
  /** The service's own NATS connection, for pushes, events and requests to other services. */
  nats: NatsConnection;
  health: HealthServer;
  /** Called in reverse order on shutdown, after NATS stopped delivering requests. */
  onShutdown(hook: () => Promise<void> | void): void;
}

export const RUNTIME = Symbol('ServiceRuntime');
