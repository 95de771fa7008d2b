import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsHandler, startMetrics, stopMetrics } from './metrics.js';
import { metricValue } from './testing/prometheus-text.js';

/** The event loop's delay on /metrics: what a blocked thread made work wait, since the previous scrape. */
describe('event loop delay metrics', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    startMetrics('loop-test', '');
    server = createServer(metricsHandler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await stopMetrics();
  });

  const scrape = async () => {
    const text = await (await fetch(url)).text();
    return { p99: metricValue(text, 'nodejs_eventloop_delay_p99_seconds'), max: metricValue(text, 'nodejs_eventloop_delay_max_seconds') };
  };
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('reports a thread blocked for 150 ms, then only what came after the scrape that reported it', async () => {
    await scrape();
    await wait(50);
    const until = Date.now() + 150;
    while (Date.now() < until) {
      // the thread is busy: nothing else runs
    }
    await wait(50);
    const blocked = await scrape();
    expect(blocked.max).toBeGreaterThan(0.1);
    expect(blocked.p99).toBeGreaterThan(0.1);
    await wait(100);
    const after = await scrape();
    expect(after.max).toBeLessThan(0.1);
  });
});
