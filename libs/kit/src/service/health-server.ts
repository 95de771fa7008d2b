import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsHandler } from '../metrics.js';

export type ReadinessCheck = () => Promise<boolean> | boolean;

/**
 * Kubernetes-style probes on their own port: /livez answers while the event loop runs; /readyz
 * answers 200 only while every dependency check passes and the process is not shutting down;
 * /metrics answers in Prometheus' text format (this process's OpenTelemetry metrics, see metrics.ts),
 * for scrapers and the HPA's metrics adapter.
 * A port of its own keeps all three off the public ingress.
 */
export class HealthServer {
  private readonly checks = new Map<string, ReadinessCheck>();
  private server: Server | undefined;
  private shuttingDown = false;
  private detail: (() => Promise<{ status: string }>) | undefined;

  /** What /healthz answers here instead of the checks: a fuller report, kept off the public port. */
  setDetail(detail: () => Promise<{ status: string }>): void {
    this.detail = detail;
  }

  addCheck(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async report(): Promise<{ status: 'ok' | 'degraded'; checks: Record<string, 'ok' | 'down'> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          return [name, (await check()) ? 'ok' : 'down'] as const;
        } catch {
          return [name, 'down'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries) as Record<string, 'ok' | 'down'>;
    if (this.shuttingDown) checks.shutdown = 'down';
    return { status: Object.values(checks).every((v) => v === 'ok') ? 'ok' : 'degraded', checks };
  }

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    this.server = createServer((req, res) => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/livez') return send(200, { status: 'ok' });
      if (req.url === '/metrics') return metricsHandler(req, res);
      if (req.url === '/healthz' && this.detail) {
        void this.detail().then(
          (report) => send(report.status === 'ok' && !this.shuttingDown ? 200 : 503, report),
          () => send(503, { status: 'degraded' }),
        );
        return;
      }
      if (req.url === '/readyz' || req.url === '/healthz') {
        void this.report().then((report) => send(report.status === 'ok' ? 200 : 503, report));
        return;
      }
      send(404, { error: { code: 'ROUTE_NOT_FOUND', message: 'not found' } });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
