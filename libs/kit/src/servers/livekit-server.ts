import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readyOrExit, type ManagedProcess } from './managed-process.js';
import { freePort } from './ports.js';
import { spawnServer } from './server-process.js';
import { waitFor } from './wait-for.js';

export interface LiveKitServer {
  url: string;
  httpUrl: string;
  port: number;
  rtcUdpPort: number;
  apiKey: string;
  apiSecret: string;
  configPath: string;
  pid(): number;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export interface LiveKitOptions {
  dataDir: string;
  port?: number;
  apiKey?: string;
  apiSecret?: string;
  webhookUrls?: string[];
  redisUrl?: string;
  turnServers?: TurnServer[];
  log?: (line: string) => void;
}

/**
 * The YAML that pins LiveKit to loopback: it binds 127.0.0.1 only, offers only 127.0.0.1 as an ICE
 * candidate, and never looks up an external IP (no public STUN). The machines have a second interface
 * whose address must never become a media candidate.
 * ICE/TCP is off (`tcp_port: 0`): LiveKit v1.13.5 opens its TCP mux with `net.ListenTCP` on the port
 * alone, i.e. on every interface, whatever `bind_addresses` says; media uses the loopback UDP mux.
 */
export interface TurnServer {
  host: string;
  port: number;
  protocol: 'udp' | 'tcp' | 'tls';
  username?: string;
  credential?: string;
  /** A shared secret: LiveKit hands clients time-limited credentials (the TURN REST scheme). */
  secret?: string;
}

/**
 * The feature plan's TURN variables (TURN_SERVER_URL=turn:host:3478?transport=udp, TURN_USERNAME,
 * TURN_PASSWORD, TURN_SECRET) as LiveKit's `rtc.turn_servers`. Nothing is configured unless they are
 * set: tests and local runs never use a TURN server outside this machine.
 */
export const turnServersFromEnv = (env: NodeJS.ProcessEnv): TurnServer[] => {
  const url = env.TURN_SERVER_URL;
  if (!url) return [];
  const match = /^(turns?):([^:?]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/.exec(url.trim());
  if (!match) throw new Error('config error: TURN_SERVER_URL is invalid (expected turn:host:port[?transport=udp|tcp])');
  const [, scheme, host, port, transport] = match;
  const server: TurnServer = {
    host: host!,
    port: Number(port ?? (scheme === 'turns' ? 5349 : 3478)),
    protocol: scheme === 'turns' ? 'tls' : ((transport as 'udp' | 'tcp' | undefined) ?? 'udp'),
  };
  if (env.TURN_SECRET) server.secret = env.TURN_SECRET;
  else if (env.TURN_USERNAME && env.TURN_PASSWORD) Object.assign(server, { username: env.TURN_USERNAME, credential: env.TURN_PASSWORD });
  else throw new Error('config error: TURN_SERVER_URL needs TURN_SECRET, or TURN_USERNAME and TURN_PASSWORD');
  return [server];
};

export const liveKitConfig = (o: {
  port: number;
  udpPort: number;
  apiKey: string;
  apiSecret: string;
  webhookUrls?: string[];
  redisUrl?: string;
  turnServers?: TurnServer[];
}): string => {
  const lines = [
    `port: ${o.port}`,
    'bind_addresses: ["127.0.0.1"]',
    `keys:`,
    `  ${o.apiKey}: ${o.apiSecret}`,
    'logging:',
    '  level: warn',
    'rtc:',
    '  tcp_port: 0',
    `  udp_port: ${o.udpPort}`,
    '  use_external_ip: false',
    '  node_ip: 127.0.0.1',
    '  enable_loopback_candidate: true',
    '  ips:',
    '    includes: ["127.0.0.1/32"]',
    ...(o.turnServers?.length
      ? [
          '  turn_servers:',
          ...o.turnServers.flatMap((t) => [
            `    - host: ${JSON.stringify(t.host)}`,
            `      port: ${t.port}`,
            `      protocol: ${t.protocol}`,
            ...(t.secret ? [`      secret: ${JSON.stringify(t.secret)}`, '      ttl: 86400'] : []),
            ...(t.username
              ? [`      username: ${JSON.stringify(t.username)}`, `      credential: ${JSON.stringify(t.credential ?? '')}`]
              : []),
          ]),
        ]
      : []),
    'room:',
    // Only the calls service creates rooms: a token for an ended call cannot bring its room back.
    '  auto_create: false',
    '  empty_timeout: 60',
    '  departure_timeout: 10',
  ];
  if (o.webhookUrls?.length) {
    lines.push('webhook:', `  api_key: ${o.apiKey}`, '  urls:', ...o.webhookUrls.map((u) => `    - ${u}`));
  }
  if (o.redisUrl) {
    const address = o.redisUrl.replace(/^redis:\/\//, '');
    lines.push('redis:', `  address: ${address}`);
  }
  return `${lines.join('\n')}\n`;
};

export const startLiveKit = async (options: LiveKitOptions): Promise<LiveKitServer> => {
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const udpPort = await freePort();
  const apiKey = options.apiKey ?? 'devkey';
  // LiveKit refuses secrets shorter than 32 characters.
  const apiSecret = options.apiSecret ?? randomBytes(24).toString('base64url');
  const configPath = join(options.dataDir, 'livekit.yaml');
  writeFileSync(
    configPath,
    liveKitConfig({
      port,
      udpPort,
      apiKey,
      apiSecret,
      ...(options.webhookUrls ? { webhookUrls: options.webhookUrls } : {}),
      ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
      ...(options.turnServers ? { turnServers: options.turnServers } : {}),
    }),
  );
  const proc: ManagedProcess = await spawnServer('livekit-server', ['--config', configPath], options.log ? { log: options.log } : {});
  const httpUrl = `http://127.0.0.1:${port}`;
  await readyOrExit(
    proc,
    waitFor(async () => (await fetch(httpUrl, { signal: AbortSignal.timeout(500) })).ok, {
      timeoutMs: 30_000,
      what: 'livekit-server',
      intervalMs: 100,
      detail: () => proc.recentOutput(),
    }),
  );
  return {
    url: `ws://127.0.0.1:${port}`,
    httpUrl,
    port,
    rtcUdpPort: udpPort,
    apiKey,
    apiSecret,
    configPath,
    pid: () => proc.pid,
    stop: () => proc.stop(),
    kill9: () => proc.kill9(),
  };
};
