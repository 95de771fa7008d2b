import { spawnManaged, readyOrExit, type ManagedProcess } from './managed-process.js';
import { freePort, portAccepts } from './ports.js';
import { toolPath } from './tools.js';
import { waitFor } from './wait-for.js';

export interface TraceViewer {
  /** The Jaeger UI. */
  url: string;
  /** Where services send OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT). */
  otlpEndpoint: string;
  stop(): Promise<void>;
}

/**
 * Jaeger v2 with in-memory storage, on loopback (the config file pins every listener to 127.0.0.1), for
 * looking at traces on a dev machine. The UI takes `uiPort` when it is free, another port otherwise.
 */
export const startTraceViewer = async (options: {
  configFile: string;
  uiPort?: number;
  log?: (line: string) => void;
}): Promise<TraceViewer> => {
  const uiPort = options.uiPort !== undefined && !(await portAccepts(options.uiPort)) ? options.uiPort : await freePort();
  const otlpPort = await freePort();
  const grpcPort = await freePort();
  const proc: ManagedProcess = spawnManaged('jaeger', toolPath('jaeger'), ['--config', options.configFile], {
    env: { PATH: process.env.PATH, JAEGER_UI_PORT: String(uiPort), JAEGER_OTLP_PORT: String(otlpPort), JAEGER_GRPC_PORT: String(grpcPort) },
    ...(options.log ? { log: options.log } : {}),
  });
  await readyOrExit(
    proc,
    waitFor(async () => (await fetch(`http://127.0.0.1:${uiPort}/api/services`, { signal: AbortSignal.timeout(500) })).ok, {
      timeoutMs: 30_000,
      what: 'jaeger',
      detail: () => proc.recentOutput(),
    }),
  );
  return { url: `http://127.0.0.1:${uiPort}`, otlpEndpoint: `http://127.0.0.1:${otlpPort}`, stop: () => proc.stop() };
};
