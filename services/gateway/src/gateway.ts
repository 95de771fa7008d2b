import { GATEWAY_SUBJECT, ROUTES, SessionEnded, type RouteContract } from '@messenger/contracts';
import { buildOpenApiDocument } from '@messenger/contracts/openapi';
import {
  connectNats,
  createLogger,
  HealthServer,
  startMetrics,
  startTelemetry,
  stopMetrics,
  stopTelemetry,
  type Logger,
} from '@messenger/kit/edge';
import type { NatsConnection } from '@nats-io/transport-node';
import type { HttpRequest, HttpResponse, us_listen_socket } from 'uWebSockets.js';
import { AccessTokenVerifier } from './auth/access-token.js';
import { readPublicKey, type GatewayConfig } from './config.js';
import { collectHealth } from './health.js';
import { apiHandler } from './http/api-handler.js';
import { CorsPolicy } from './http/cors.js';
import { EdgeSampling } from './http/edge-sampling.js';
import { Reply } from './http/reply.js';
import { RouteTable } from './http/route-table.js';
import { applySecurityHeaders } from './http/security-headers.js';
import { StaticFiles } from './http/static-files.js';
import { liveKitWebhookHandler } from './http/webhook-handler.js';
import { gatewayMetrics } from './metrics.js';
import { loadUws } from './uws.js';
import { PushHub } from './ws/push-hub.js';
import { socketBehavior, type SocketData } from './ws/socket-handler.js';
import { SocketLifetimes } from './ws/socket-lifetimes.js';

export interface RunningGateway {
  port: number;
  /** Probes and /metrics, off the public port (HEALTH_PORT). */
  healthPort: number;
  logger: Logger;
  nats: NatsConnection;
  connections(): number;
  stop(): Promise<void>;
}

/** Starts one gateway replica. It keeps no state another replica needs; any replica can serve any client. */
export const startGateway = async (config: GatewayConfig, routes: readonly RouteContract[] = ROUTES): Promise<RunningGateway> => {
  const uws = loadUws();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const tracer = startTelemetry('gateway', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const tokens = new AccessTokenVerifier(readPublicKey(config), config.JWT_ISSUER, config.JWT_AUDIENCE);
  const nats = await connectNats(config.NATS_URL, config.GATEWAY_ID, logger);
  const app = uws.App();
  const sockets = new SocketLifetimes<SocketData>();
  let connections = 0;
  const metrics = gatewayMetrics(startMetrics('gateway', config.OTEL_EXPORTER_OTLP_ENDPOINT, config.OTEL_METRIC_EXPORT_INTERVAL), {
    gatewayId: config.GATEWAY_ID,
    connections: () => connections,
    users: () => hub.userCount,
  });
  const hub = new PushHub(nats, app, tracer, metrics.pushes, logger);
  let shuttingDown = false;

  const behavior = socketBehavior({
    app,
    tokens,
    hub,
    nats,
    logger,
    gatewayId: config.GATEWAY_ID,
    maxBackpressure: config.WS_MAX_BACKPRESSURE_BYTES,
    onCountChange: (delta) => {
      connections += delta;
    },
    metrics,
  });
  const open = behavior.open!;
  const close = behavior.close!;
  app.ws<SocketData>('/ws', {
    ...behavior,
    open: (ws) => {
      sockets.add(ws);
      open(ws);
    },
    close: (ws, code, message) => {
      sockets.remove(ws);
      close(ws, code, message);
    },
  });
  const expiry = setInterval(() => sockets.expire(), 1_000);
  const sessionsEnded = nats.subscribe(GATEWAY_SUBJECT.sessionEnded, {
    callback: (error, msg) => {
      if (error) return;
      let body: unknown;
      try {
        body = msg.json();
      } catch {
        body = undefined;
      }
      const ended = SessionEnded.safeParse(body);
      if (!ended.success) return logger.warn({ subject: msg.subject }, 'malformed session-ended message ignored');
      const closed = sockets.endSession(ended.data.userId, ended.data.sessionId);
      if (closed) logger.info({ userId: ended.data.userId, closed }, 'closed the sockets of an ended session');
    },
  });

  const openapi = JSON.stringify(buildOpenApiDocument(routes));
  const json = (res: HttpResponse, status: number, body: string) => {
    const reply = new Reply(res);
    applySecurityHeaders(reply, crypto.randomUUID());
    reply.header('cache-control', 'no-store').send(status, body, 'application/json; charset=utf-8');
  };

  app.get('/livez', (res) => json(res, 200, '{"status":"ok"}'));
  app.get('/readyz', (res) => {
    const ready = !shuttingDown && !nats.isClosed();
    json(res, ready ? 200 : 503, JSON.stringify({ status: ready ? 'ok' : 'degraded' }));
  });
  app.get('/healthz', (res) => {
    const reply = new Reply(res);
    applySecurityHeaders(reply, crypto.randomUUID());
    // The same round of questions to every service, but only the verdict: which services answer, and how, is for
    // the probe port (below), not for anyone on the internet.
    void collectHealth(nats, { id: config.GATEWAY_ID, connections }).then((report) => {
      const ok = report.status === 'ok' && !shuttingDown;
      reply.header('cache-control', 'no-store').json(ok ? 200 : 503, { status: ok ? 'ok' : 'degraded' });
    });
  });
  app.get('/api/docs', (res) => json(res, 200, openapi));
  app.post('/webhooks/livekit', liveKitWebhookHandler({ nats, logger, timeoutMs: config.NATS_REQUEST_TIMEOUT_MS }));

  const api = apiHandler({
    config,
    routes: new RouteTable(routes),
    tokens,
    cors: new CorsPolicy(config.CORS_ORIGINS),
    nats,
    tracer,
    logger,
    metrics,
    sampling: new EdgeSampling(process.env),
  });
  app.any('/api/*', api);
  app.any('/api', api);

  const files = new StaticFiles(config.WEB_DIST);
  if (!files.available) logger.warn({ dir: config.WEB_DIST }, 'no web build found; only the API is served');
  app.get('/*', files.handler);
  app.any('/*', (res: HttpResponse, req: HttpRequest) => {
    const method = req.getCaseSensitiveMethod();
    const path = req.getUrl();
    const reply = new Reply(res);
    applySecurityHeaders(reply, crypto.randomUUID());
    reply.fail('ROUTE_NOT_FOUND', `no route ${method} ${path}`);
  });

  const listenSocket = await new Promise<us_listen_socket>((resolve, reject) =>
    app.listen(config.HOST, config.PORT, (socket) =>
      socket ? resolve(socket) : reject(new Error(`gateway: cannot listen on ${config.HOST}:${config.PORT}`)),
    ),
  );
  const port = uws.us_socket_local_port(listenSocket);
  const probes = new HealthServer();
  probes.addCheck('nats', () => !nats.isClosed());
  probes.setDetail(() => collectHealth(nats, { id: config.GATEWAY_ID, connections }));
  const healthPort = await probes.listen(config.HEALTH_PORT, config.HEALTH_HOST);
  const beat = () => nats.publish(GATEWAY_SUBJECT.heartbeat, JSON.stringify({ gatewayId: config.GATEWAY_ID }));
  beat();
  const heartbeat = setInterval(beat, config.PRESENCE_HEARTBEAT_MS);
  logger.info({ port, healthPort, host: config.HOST, gatewayId: config.GATEWAY_ID }, 'gateway ready');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      shuttingDown = true;
      probes.markShuttingDown();
      clearInterval(heartbeat);
      clearInterval(expiry);
      sessionsEnded.unsubscribe();
      uws.us_listen_socket_close(listenSocket);
      // 1001 "going away": clients reconnect, and the load balancer sends them to another replica.
      sockets.endAll(1001, 'gateway shutting down');
      await nats.drain().catch(() => undefined);
      await stopTelemetry();
      await stopMetrics();
      await probes.close();
      logger.info('gateway stopped');
    })());

  return { port, healthPort, logger, nats, connections: () => connections, stop };
};
