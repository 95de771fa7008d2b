import { describe, expect, it } from 'vitest';
import { HealthServer } from '@messenger/kit';
import { renderGatewayMetrics } from './metrics.js';

describe('gateway metrics', () => {
  it('renders each gauge with its help, type and the gateway label', () => {
    const text = renderGatewayMetrics({ gatewayId: 'gw-a', connections: 3, users: 2, rssBytes: 1024 });
    expect(text).toContain('# TYPE messenger_gateway_ws_connections gauge\nmessenger_gateway_ws_connections{gateway="gw-a"} 3\n');
    expect(text).toContain('messenger_gateway_ws_users{gateway="gw-a"} 2\n');
    expect(text).toContain('process_resident_memory_bytes{gateway="gw-a"} 1024\n');
  });

  it('keeps a hostile gateway id from breaking the exposition format', () => {
    const text = renderGatewayMetrics({ gatewayId: 'a"b\nc', connections: 1, users: 1, rssBytes: 1 });
    expect(text).toContain('{gateway="a_b_c"}');
  });

  it('is served on the probe port at /metrics, as text, and nowhere else', async () => {
    const server = new HealthServer();
    let connections = 1;
    server.setMetrics(() => renderGatewayMetrics({ gatewayId: 'gw', connections, users: 1, rssBytes: 1 }));
    const port = await server.listen(0);
    try {
      connections = 7;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      expect(await res.text()).toContain('messenger_gateway_ws_connections{gateway="gw"} 7');
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
