import 'reflect-metadata';
import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ServerNats } from '@nestjs/microservices';
import type { Subscription } from '@nats-io/transport-node';
import { healthSubject, type ServiceName } from '@messenger/contracts';
import type { z } from 'zod';
import { BaseConfig, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { connectNats, NATS_CONNECTION_DEFAULTS, natsLoginOptions } from '../nats/connect.js';
import { startMetrics, stopMetrics } from '../metrics.js';
import { startTelemetry, stopTelemetry } from '../telemetry.js';
import { HealthServer } from './health-server.js';
import { ServiceExceptionFilter } from './rpc-exception.filter.js';
import { RUNTIME, type ServiceRuntime } from './runtime.js';
import { tracingHooks } from './tracing-hook.js';
import { NestPinoLogger } from './nest-logger.js';

export interface ServiceOptions<S extends z.ZodObject> {
  name: ServiceName;
  /** The service's feature modules; a function may first open the service's stores. */
  imports:
    | (Type | DynamicModule)[]
    | ((runtime: ServiceRuntime<z.infer<S> & BaseConfig>) => Promise<(Type | DynamicModule)[]> | (Type | DynamicModule)[]);
  config: S;
  env?: NodeJS.ProcessEnv;
}

export interface RunningService<C extends BaseConfig = BaseConfig> {
  runtime: ServiceRuntime<C>;
  healthPort: number;
  stop(): Promise<void>;
}

/**
 * Starts a NestJS microservice on NATS in the queue group named after the service (N replicas share
 * the work), with validated configuration, JSON logs, tracing, probes on HEALTH_PORT, a NATS
 * `health.<name>` responder for the gateway, and a graceful stop: stop taking requests, let the
 * in-flight ones finish, drain NATS, then run the service's own shutdown hooks.
 */
export const startService = async <S extends z.ZodObject>(options: ServiceOptions<S>): Promise<RunningService<z.infer<S> & BaseConfig>> => {
  type C = z.infer<S> & BaseConfig;
  const config = loadConfig(BaseConfig.extend(options.config.shape), options.env ?? process.env) as C;
  const logger = createLogger(options.name, config.LOG_LEVEL);
  const tracer = startTelemetry(options.name, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  startMetrics(options.name, config.OTEL_EXPORTER_OTLP_ENDPOINT, config.OTEL_METRIC_EXPORT_INTERVAL);
  const nats = await connectNats(config.NATS_URL, `${options.name}-${process.pid}`, logger);
  const health = new HealthServer();
  health.addCheck('nats', () => !nats.isClosed() && nats.info !== undefined);
  const shutdownHooks: (() => Promise<void> | void)[] = [];
  const runtime: ServiceRuntime<C> = {
    name: options.name,
    config,
    logger,
    tracer,
    nats,
    health,
    onShutdown: (hook) => shutdownHooks.push(hook),
  };

  @Global()
  @Module({ providers: [{ provide: RUNTIME, useValue: runtime }], exports: [RUNTIME] })
  class KitModule {}

  const imports = typeof options.imports === 'function' ? await options.imports(runtime) : options.imports;
  @Module({ imports: [KitModule, ...imports] })
  class ServiceRootModule {}

  const server = new ServerNats({
    servers: config.NATS_URL.split(','),
    ...natsLoginOptions(),
    name: `${options.name}-rpc-${process.pid}`,
    queue: options.name,
    // Shutdown is done below (drain, then wait for in-flight work); Nest's own would drop queued requests.
    gracefulShutdown: false,
    ...NATS_CONNECTION_DEFAULTS,
  });
  const hooks = tracingHooks(tracer);
  server.setOnProcessingStartHook(hooks.start as Parameters<ServerNats['setOnProcessingStartHook']>[0]);
  server.setOnProcessingEndHook(hooks.end as Parameters<ServerNats['setOnProcessingEndHook']>[0]);

  const app = await NestFactory.createMicroservice(ServiceRootModule, {
    strategy: server,
    logger: new NestPinoLogger(logger),
    bufferLogs: false,
  });
  app.useGlobalFilters(new ServiceExceptionFilter(logger));
  await app.listen();
  health.addCheck('rpc', () => {
    try {
      const client = server.unwrap<{ isClosed(): boolean }>();
      return !client.isClosed();
    } catch {
      return false;
    }
  });

  // One replica answers for the service (queue group), saying whether it is ready.
  const healthSub = nats.subscribe(healthSubject(options.name), {
    queue: options.name,
    callback: (_error, msg) => {
      void health.report().then((report) => msg.respond(JSON.stringify({ response: report })));
    },
  });

  const healthPort = await health.listen(config.HEALTH_PORT, config.HEALTH_HOST);
  logger.info({ healthPort }, `${options.name} service ready`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('shutting down');
      health.markShuttingDown();
      healthSub.unsubscribe();
      await drainRequests(server);
      await waitFor(() => hooks.inFlight.count <= 0, config.SHUTDOWN_GRACE_MS);
      await app.close();
      for (const hook of shutdownHooks.reverse()) await hook();
      await nats.drain().catch(() => undefined);
      await health.close();
      await stopTelemetry();
      await stopMetrics();
      logger.info('stopped');
    })());

  return { runtime, healthPort, stop };
};

/**
 * Stops this replica's interest in its subjects without dropping what NATS already routed to it:
 * `drain` delivers the queued messages, then unsubscribes. Nest's ServerNats keeps its subscriptions
 * private and only ever unsubscribes them, so they are reached here by name.
 */
const drainRequests = async (server: ServerNats): Promise<void> => {
  const subscriptions = (server as unknown as { subscriptions?: Subscription[] }).subscriptions ?? [];
  await Promise.all(subscriptions.map((subscription) => subscription.drain().catch(() => undefined)));
};

const waitFor = async (done: () => boolean, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
};

/** Runs a service as a process: start it, stop it on SIGTERM/SIGINT, exit non-zero if it cannot start. */
export const runServiceProcess = <S extends z.ZodObject>(options: ServiceOptions<S>): void => {
  startService(options).then(
    (service) => {
      const onSignal = (signal: NodeJS.Signals) => {
        service.runtime.logger.info({ signal }, 'signal received');
        void service.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            service.runtime.logger.error({ err: error }, 'unclean shutdown');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    },
    (error: unknown) => {
      process.stderr.write(`${options.name}: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
};
