// `npm start`: the whole product on localhost, with its own ports and data folders.
// NATS_URL, REDIS_URL, MONGO_URL and LIVEKIT_URL (+ LIVEKIT_API_KEY / LIVEKIT_API_SECRET) point it at
// external servers instead of starting ours. TRACE_VIEWER=1 also runs Jaeger (built by the bootstrap on first
// use) and sends every process's traces there. Ctrl-C stops every child.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTools } from './tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const traceViewer = process.env.TRACE_VIEWER === '1';
ensureTools(root, { traceViewer });

const { startStack } = await import('@messenger/kit/stack');
const { startTraceViewer, stopAllManaged } = await import('@messenger/kit/servers');

const port = Number(process.env.PORT ?? 8080);
const verbose = process.env.START_VERBOSE === '1';
const external = Object.fromEntries(
  ['NATS_URL', 'REDIS_URL', 'MONGO_URL', 'LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET']
    .filter((name) => process.env[name])
    .map((name) => [name, process.env[name]]),
);

const INFRA = /^(nats|redis|ferretdb|livekit|jaeger)$/;
const print = (source, line) => {
  // Our services log JSON: warnings and errors are shown. The infrastructure servers are chatty:
  // only their errors are. START_VERBOSE=1 shows everything.
  if (!verbose) {
    if (INFRA.test(source) ? !/\b(ERROR|ERR|FATAL|panic)\b|\[(ERR|FTL)\]/.test(line) : !/"level":"(warn|error|fatal)"/.test(line)) return;
  }
  process.stdout.write(`[${source}] ${line}\n`);
};

console.log('[start] bringing the stack up…');
const t0 = Date.now();
let stack;
let viewer;
try {
  if (traceViewer) {
    viewer = await startTraceViewer({
      configFile: join(root, 'scripts', 'jaeger.yaml'),
      uiPort: 16686,
      log: (line) => print('jaeger', line),
    });
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = viewer.otlpEndpoint;
  }
  stack = await startStack({
    rootDir: root,
    dataDir: process.env.DATA_DIR ?? join(root, '.data'),
    gatewayPort: port,
    external,
    webDist: join(root, 'web', 'dist', 'web', 'browser'),
    env: {
      ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? { OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
      ...(process.env.CORS_ORIGINS ? { CORS_ORIGINS: process.env.CORS_ORIGINS } : {}),
    },
    turn: Object.fromEntries(
      ['TURN_SERVER_URL', 'TURN_USERNAME', 'TURN_PASSWORD', 'TURN_SECRET'].filter((n) => process.env[n]).map((n) => [n, process.env[n]]),
    ),
    log: print,
  });
} catch (error) {
  console.error(`[start] failed: ${error instanceof Error ? error.message : error}`);
  await stopAllManaged();
  process.exit(1);
}

console.log(`[start] ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
console.log(`[start] web app      ${stack.gatewayUrl()}`);
console.log(`[start] health       ${stack.gatewayUrl()}/healthz`);
console.log(`[start] API docs     ${stack.gatewayUrl()}/api/docs`);
if (viewer) console.log(`[start] traces       ${viewer.url}`);
console.log(
  `[start] NATS ${stack.env.NATS_URL} · Redis ${stack.env.REDIS_URL} · MongoDB ${stack.env.MONGO_URL} · LiveKit ${stack.env.LIVEKIT_URL}`,
);
console.log('[start] Ctrl-C to stop');

let stopping = false;
const shutdown = async (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`[start] ${signal}: stopping…`);
  await stack.stop();
  await stopAllManaged();
  console.log('[start] stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
