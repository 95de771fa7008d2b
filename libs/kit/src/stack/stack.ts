import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceName } from '@messenger/contracts';
import {
  freePort,
  turnServersFromEnv,
  startFerretDb,
  startLiveKit,
  startNats,
  startRedis,
  type LiveKitServer,
  type MongoServer,
  type NatsServer,
  type RedisServer,
  NATS_PERMISSIONS,
  NATS_USERS,
} from '../servers/index.js';
import { natsLoginOptions, type NatsLoginOptions } from '../nats/connect.js';
import { ensureDevKeys, type JwtKeyPair } from './dev-keys.js';
import { ensureNatsPasswords, type StackNatsUser } from './nats-logins.js';
import { startNodeProcess, type NodeProcess } from './node-process.js';

export type { StackNatsUser } from './nats-logins.js';

export interface StackOptions {
  /** The repository root (services are run from their built `dist/main.js`). */
  rootDir: string;
  /** Where infrastructure data, logs and dev keys go (git-ignored). */
  dataDir: string;
  gateways?: number;
  replicas?: Partial<Record<ServiceName, number>>;
  /** Port of the first gateway; later gateways take free ports. 0 = any free port. */
  gatewayPort?: number;
  /** Use these servers instead of starting our own (NATS_URL, REDIS_URL, MONGO_URL, LIVEKIT_*). */
  external?: NodeJS.ProcessEnv;
  /** Extra environment for every service and gateway (e.g. OTEL_EXPORTER_OTLP_ENDPOINT, LOG_LEVEL). */
  env?: NodeJS.ProcessEnv;
  withLiveKit?: boolean;
  /** Send LiveKit's webhooks to the first gateway (default true); off to test what happens when they are lost. */
  liveKitWebhooks?: boolean;
  /** TURN_SERVER_URL, TURN_USERNAME, TURN_PASSWORD, TURN_SECRET for the LiveKit started here. */
  turn?: NodeJS.ProcessEnv;
  webDist?: string;
  log?: (source: string, line: string) => void;
  /** How long a service replica may take to be ready (a start that warms caches from a large store). */
  serviceReadyTimeoutMs?: number;
}

/** nats.js `connect()` options: the stack's NATS, as one of its users. */
export interface NatsLogin extends NatsLoginOptions {
  servers: string[];
}

export interface Stack {
  /** What every process is given, but its NATS login (each has its own: `natsLogin`). */
  env: NodeJS.ProcessEnv;
  keys: JwtKeyPair;
  /**
   * How a test or tool connects to NATS: `connect(stack.natsLogin())` may use every subject (to watch, inject or
   * answer), `natsLogin('gateway')` only what the gateways may. Against an external NATS, its URL alone.
   */
  natsLogin(user?: StackNatsUser): NatsLogin;
  nats?: NatsServer;
  redis?: RedisServer;
  mongo?: MongoServer;
  livekit?: LiveKitServer;
  gateways: NodeProcess[];
  services: Record<ServiceName, NodeProcess[]>;
  gatewayUrl(index?: number): string;
  stop(): Promise<void>;
}

const SERVICE_ORDER: ServiceName[] = ['users', 'groups', 'calls'];

/**
 * Brings up the whole product: NATS with JetStream, Redis, FerretDB and LiveKit on loopback (or the
 * external servers named in `external`), then every service replica and gateway, each waited on
 * until ready. `stop()` takes everything down in reverse order.
 */
export const startStack = async (options: StackOptions): Promise<Stack> => {
  const external = options.external ?? {};
  const log = (source: string) => (line: string) => options.log?.(source, line);
  const dir = (name: string) => {
    const path = join(options.dataDir, name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const item of started.reverse()) await item.stop().catch(() => undefined);
  };

  try {
    const keys = ensureDevKeys(dir('secrets'));
    // Our own NATS lets in only its users, each to its own subjects; an external one is as its owner set it up.
    const natsPasswords = external.NATS_URL ? undefined : ensureNatsPasswords(dir('secrets'));
    const nats = natsPasswords
      ? await startNats({
          dataDir: dir('nats'),
          log: log('nats'),
          users: [
            { user: 'admin', password: JSON.stringify(natsPasswords.admin) },
            ...NATS_USERS.map((user) => ({ user, password: JSON.stringify(natsPasswords[user]), permissions: NATS_PERMISSIONS[user] })),
          ],
        })
      : undefined;
    if (nats) started.push(nats);
    const natsEnv = (user: StackNatsUser): NodeJS.ProcessEnv =>
      natsPasswords ? { NATS_USER: user, NATS_PASSWORD: natsPasswords[user] } : {};
    const redis = external.REDIS_URL ? undefined : await startRedis({ dataDir: dir('redis'), log: log('redis') });
    if (redis) started.push(redis);
    const mongo = external.MONGO_URL ? undefined : await startFerretDb({ dataDir: dir('ferretdb'), log: log('ferretdb') });
    if (mongo) started.push(mongo);
    // Gateway ports are chosen first: LiveKit must know where to send its webhooks.
    const gatewayCount = options.gateways ?? 1;
    const gatewayPorts = await Promise.all(
      Array.from({ length: gatewayCount }, (_, i) => (i === 0 && options.gatewayPort ? Promise.resolve(options.gatewayPort) : freePort())),
    );
    const withLiveKit = options.withLiveKit ?? true;
    const webhookUrls =
      options.liveKitWebhooks === false || !gatewayPorts.length ? [] : [`http://127.0.0.1:${gatewayPorts[0]}/webhooks/livekit`];
    const livekit =
      external.LIVEKIT_URL || !withLiveKit
        ? undefined
        : await startLiveKit({
            dataDir: dir('livekit'),
            webhookUrls,
            turnServers: turnServersFromEnv(options.turn ?? {}),
            log: log('livekit'),
          });
    if (livekit) started.push(livekit);

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      NATS_URL: external.NATS_URL ?? nats!.url,
      REDIS_URL: external.REDIS_URL ?? redis!.url,
      MONGO_URL: external.MONGO_URL ?? mongo!.url,
      LIVEKIT_URL: external.LIVEKIT_URL ?? livekit?.url ?? 'ws://127.0.0.1:7880',
      LIVEKIT_API_KEY: external.LIVEKIT_API_KEY ?? livekit?.apiKey ?? 'devkey',
      LIVEKIT_API_SECRET: external.LIVEKIT_API_SECRET ?? livekit?.apiSecret ?? 'secret-secret-secret-secret-secret-0',
      JWT_PRIVATE_KEY_FILE: keys.privateKeyFile,
      JWT_PUBLIC_KEY_FILE: keys.publicKeyFile,
      URL_SIGNING_SECRET: keys.urlSigningSecret,
      ...options.env,
    };

    const services = { users: [], groups: [], calls: [] } as Record<ServiceName, NodeProcess[]>;
    for (const name of SERVICE_ORDER) {
      const count = options.replicas?.[name] ?? 1;
      const replicas = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          startNodeProcess({
            name: `${name}-${i + 1}`,
            script: join(options.rootDir, 'services', name, 'dist', 'main.js'),
            env: { ...env, ...natsEnv(name) },
            portVariable: 'HEALTH_PORT',
            readyUrl: (port) => `http://127.0.0.1:${port}/readyz`,
            log: log(`${name}-${i + 1}`),
            ...(options.serviceReadyTimeoutMs ? { readyTimeoutMs: options.serviceReadyTimeoutMs } : {}),
          }),
        ),
      );
      services[name].push(...replicas);
      started.push(...replicas);
    }

    const gateways: NodeProcess[] = [];
    for (let i = 0; i < gatewayCount; i++) {
      const healthPort = await freePort();
      const gateway = await startNodeProcess({
        name: `gateway-${i + 1}`,
        script: join(options.rootDir, 'services', 'gateway', 'dist', 'main.js'),
        env: {
          ...env,
          ...natsEnv('gateway'),
          GATEWAY_ID: `gateway-${i + 1}`,
          COOKIE_SECURE: env.COOKIE_SECURE ?? 'false',
          HEALTH_PORT: String(healthPort),
          ...(options.webDist ? { WEB_DIST: options.webDist } : {}),
        },
        portVariable: 'PORT',
        port: gatewayPorts[i]!,
        healthPort,
        readyUrl: (port) => `http://127.0.0.1:${port}/readyz`,
        log: log(`gateway-${i + 1}`),
      });
      gateways.push(gateway);
      started.push(gateway);
    }

    return {
      env,
      keys,
      natsLogin: (user = 'admin') => ({ servers: env.NATS_URL!.split(','), ...natsLoginOptions(natsEnv(user)) }),
      ...(nats ? { nats } : {}),
      ...(redis ? { redis } : {}),
      ...(mongo ? { mongo } : {}),
      ...(livekit ? { livekit } : {}),
      gateways,
      services,
      gatewayUrl: (index = 0) => `http://127.0.0.1:${gateways[index]!.port}`,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
