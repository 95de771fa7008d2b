import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER } from '@messenger/contracts';
import { startNats, type NatsServer } from '../servers/index.js';
import { requestService } from './requester.js';

describe('requestService against a real NATS server', () => {
  let server: NatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    server = await startNats({ dataDir: mkdtempSync(join(tmpdir(), 'requester-')) });
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('tells "nobody answers" (503) from "nobody answered in time" (504)', async () => {
    expect(await requestService(nc, 'svc.none', {})).toEqual({
      ok: false,
      error: { code: 'SERVICE_UNAVAILABLE', message: 'no service answers svc.none' },
    });
    const silent = nc.subscribe('svc.silent', { callback: () => undefined });
    const started = Date.now();
    const reply = await requestService(nc, 'svc.silent', {}, { timeoutMs: 300 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'SERVICE_TIMEOUT' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    silent.unsubscribe();
  });

  it('passes the caller and request ids in headers, never in the payload', async () => {
    const sub = nc.subscribe('svc.echo', {
      callback: (_e, msg) => {
        const request = msg.json<{ data: unknown }>();
        msg.respond(
          JSON.stringify({
            response: { caller: msg.headers?.get(HEADER.CALLER_ID), requestId: msg.headers?.get(HEADER.REQUEST_ID), data: request.data },
          }),
        );
      },
    });
    const reply = await requestService(nc, 'svc.echo', { x: 1 }, { callerId: 'u1', requestId: 'r1' });
    expect(reply).toEqual({ ok: true, response: { caller: 'u1', requestId: 'r1', data: { x: 1 } } });
    sub.unsubscribe();
  });
});
