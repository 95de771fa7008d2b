import { afterEach, describe, expect, it } from 'vitest';
import { HealthServer, sharedInstruments, startMetrics, stopMetrics } from '@messenger/kit';
import { gatewayMetrics } from './metrics.js';

describe('gateway metrics', () => {
  afterEach(() => stopMetrics());

  it('serves the live gauges, counters and histograms on the probe port at /metrics, as Prometheus text', async () => {
    let connections = 1;
    const metrics = gatewayMetrics(startMetrics('gateway-test'), { gatewayId: 'gw-a', connections: () => connections, users: () => 2 });
    metrics.pushes.add(3);
    metrics.httpDuration.record(0.004, { 'http.route': '/api/chats', 'http.request.method': 'GET', 'http.response.status_code': 200 });
    sharedInstruments().errors.add(1, { code: 'NOT_FOUND' });
    const server = new HealthServer();
    const port = await server.listen(0);
    try {
      connections = 7;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toContain('messenger_gateway_ws_connections{gateway="gw-a"} 7');
      expect(text).toContain('messenger_gateway_ws_users{gateway="gw-a"} 2');
      expect(text).toMatch(/process_resident_memory_bytes\{gateway="gw-a"\} [1-9]\d+/);
      expect(text).toContain('messenger_gateway_pushes_total 3');
      expect(text).toContain('messenger_errors_total{code="NOT_FOUND"} 1');
      expect(text).toMatch(/messenger_gateway_http_duration_seconds_bucket\{[^}]*http_route="\/api\/chats"[^}]*le="0.005"\} 1/);
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('answers 503 on /metrics before metrics are started, rather than an empty page', async () => {
    const server = new HealthServer();
    const port = await server.listen(0);
    try {
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(503);
    } finally {
      await server.close();
    }
  });
});
