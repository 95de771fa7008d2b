import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { startOtlpReceiver, startTestStack, TestSocket } from '@messenger/kit/testing';

/** Two gateways and one replica of each service, as separate processes on real NATS, Redis and FerretDB. */
describe('platform: two gateways, one replica of each service', () => {
  let stack: Stack;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  const username = `ann_${randomBytes(3).toString('hex')}`;
  let accessToken: string;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    stack = await startTestStack('platform', {
      gateways: 2,
      withLiveKit: true,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, NATS_REQUEST_TIMEOUT_MS: '2000' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await otlp?.close();
  });

  const api = (gateway: number, path: string, init: RequestInit = {}) =>
    fetch(`${stack.gatewayUrl(gateway)}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}), ...init.headers },
    });

  const probe = (gateway: number, path: string) => fetch(`http://127.0.0.1:${stack.gateways[gateway]!.healthPort}${path}`);

  it('reports every service ready on /healthz of either gateway: the verdict in public, the detail on the probe port', async () => {
    for (const gateway of [0, 1]) {
      const outside = await fetch(`${stack.gatewayUrl(gateway)}/healthz`);
      expect(outside.status).toBe(200);
      expect(await outside.json()).toEqual({ status: 'ok' });
      const response = await probe(gateway, '/healthz');
      const body = (await response.json()) as { status: string; services: Record<string, { status: string }> };
      expect(response.status).toBe(200);
      expect(body.status).toBe('ok');
      expect(Object.keys(body.services).sort()).toEqual(['calls', 'groups', 'users']);
      for (const service of Object.values(body.services)) expect(service.status).toBe('ok');
    }
  });

  it('delivers an event caused through gateway A to a socket on gateway B', async () => {
    const registered = await api(0, '/api/auth/register', {
      method: 'POST',
      body: JSON.stringify({ username, name: 'Анна', password: 'correct horse battery' }),
    });
    expect(registered.status).toBe(201);
    accessToken = ((await registered.json()) as { accessToken: string }).accessToken;

    const onB = await TestSocket.open(`${stack.gatewayUrl(1).replace('http', 'ws')}/ws?access_token=${accessToken}`);
    const ready = await onB.next((f) => f.type === 'ready');
    expect(ready.data).toMatchObject({ gatewayId: 'gateway-2' });

    const patched = await api(0, '/api/users/me', { method: 'PATCH', body: JSON.stringify({ name: 'Анна Каренина' }) });
    expect(patched.status).toBe(200);
    const event = await onB.next((f) => f.type === 'user.updated');
    expect(event.data).toMatchObject({ username, name: 'Анна Каренина' });
    await onB.close();
  });

  it('answers 503 with a JSON error while a service is down, and succeeds again once it is back', async () => {
    const users = stack.services.users[0]!;
    await users.stop();
    const started = Date.now();
    const down = await api(0, '/api/users/me');
    expect(down.status).toBe(503);
    expect(((await down.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(2_000 + 1_000);
    expect((await fetch(`${stack.gatewayUrl(0)}/healthz`)).status).toBe(503);
    const health = (await (await probe(0, '/healthz')).json()) as {
      status: string;
      services: { users: { status: string } };
    };
    expect(health.status).toBe('degraded');
    expect(health.services.users.status).toBe('down');

    await users.restart();
    const back = await api(0, '/api/users/me');
    expect(back.status).toBe(200);
    expect(((await back.json()) as { username: string }).username).toBe(username);
  });

  it("carries the request's trace into the span the service records", async () => {
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const response = await api(1, '/api/users/me', { headers: { traceparent } });
    expect(response.status).toBe(200);
    const deadline = Date.now() + 10_000;
    const find = () => otlp.spans.filter((span) => span.traceId === traceId);
    const both = () => ['users.profile.me', 'request users.profile.me'].every((name) => find().some((s) => s.name === name));
    while (Date.now() < deadline && !both()) await new Promise((r) => setTimeout(r, 100));
    const spans = find();
    const gatewaySpan = spans.find((s) => s.service === 'gateway' && s.name.startsWith('HTTP '));
    const serviceSpan = spans.find((s) => s.service === 'users' && s.name === 'users.profile.me');
    expect(gatewaySpan?.name).toBe('HTTP GET /api/users/me');
    expect(serviceSpan?.name).toBe('users.profile.me');
    const requestSpan = spans.find((s) => s.spanId === serviceSpan?.parentSpanId);
    expect(requestSpan?.name).toBe('request users.profile.me');
    expect(requestSpan?.parentSpanId).toBe(gatewaySpan?.spanId);
  });
});
