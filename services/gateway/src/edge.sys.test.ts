import { generateKeyPairSync } from 'node:crypto';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { startTestStack, TestSocket } from '@messenger/kit/testing';

/**
 * Malformed input at the edge is answered by the gateway with a JSON error and never reaches a
 * service: a plain (non-queue) NATS subscription to every service subject sees each request that
 * does get forwarded, and must see none of these.
 */
describe('gateway edge', () => {
  let stack: Stack;
  let observer: NatsConnection;
  let forwarded: string[];
  let sub: Subscription;
  let base: string;

  const token = async (privateKeyPem: string, claims: { sub?: string; exp?: number } = {}) => {
    const key = await importPKCS8(privateKeyPem, 'EdDSA');
    return new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject(claims.sub ?? 'aaaaaaaaaaaaaaaaaaaaaaaa')
      .setIssuer('messenger')
      .setAudience('messenger')
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(key);
  };
  const otherKey = () =>
    generateKeyPairSync('ed25519', {
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;

  beforeAll(async () => {
    stack = await startTestStack('edge', {
      replicas: { groups: 0, calls: 0 },
      env: { CORS_ORIGINS: 'https://app.example.test', MAX_BODY_BYTES: '2048', LOG_LEVEL: 'warn' },
    });
    base = stack.gatewayUrl();
    observer = await connect(stack.natsLogin());
    forwarded = [];
    sub = observer.subscribe('users.>', {
      callback: (_e, msg) => {
        forwarded.push(msg.subject);
      },
    });
    await observer.flush();
  });

  afterAll(async () => {
    sub?.unsubscribe();
    await observer?.close();
    await stack?.stop();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  const expectError = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
    return body;
  };

  it('answers bad JSON with 400 INVALID_JSON', async () => {
    await expectError(await post('/api/auth/login', '{"username": "a",'), 400, 'INVALID_JSON');
  });

  it('answers an oversized body with 413 PAYLOAD_TOO_LARGE', async () => {
    await expectError(
      await post('/api/auth/login', JSON.stringify({ username: 'a', password: 'x'.repeat(4096) })),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('answers a body that is not JSON with 415', async () => {
    await expectError(
      await post('/api/auth/login', 'username=a', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND and a wrong method with 405', async () => {
    await expectError(await fetch(`${base}/api/nothing/here`), 404, 'ROUTE_NOT_FOUND');
    const wrongMethod = await fetch(`${base}/api/auth/login`, { method: 'GET' });
    await expectError(wrongMethod, 405, 'METHOD_NOT_ALLOWED');
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('names the field at fault with 422 VALIDATION_FAILED', async () => {
    const response = await post('/api/auth/register', JSON.stringify({ username: 'A!', name: 'Ann', password: 'long enough' }));
    const body = await expectError(response, 422, 'VALIDATION_FAILED');
    const fields = (body.error as unknown as { details: { fields: { path: string; location: string }[] } }).details.fields;
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.every((f) => f.path === 'username' && f.location === 'body')).toBe(true);
  });

  it('refuses a missing, forged or expired token with 401', async () => {
    await expectError(await fetch(`${base}/api/users/me`), 401, 'UNAUTHENTICATED');
    const forged = await token(otherKey());
    await expectError(await fetch(`${base}/api/users/me`, { headers: { authorization: `Bearer ${forged}` } }), 401, 'UNAUTHENTICATED');
    const expired = await token(stack.keys.privateKeyPem, { exp: Math.floor(Date.now() / 1000) - 60 });
    await expectError(await fetch(`${base}/api/users/me`, { headers: { authorization: `Bearer ${expired}` } }), 401, 'TOKEN_EXPIRED');
    await expectError(await fetch(`${base}/api/users/me`, { headers: { authorization: 'Bearer not.a.jwt' } }), 401, 'UNAUTHENTICATED');
  });

  it('refuses a WebSocket upgrade without a valid token', async () => {
    const wsBase = base.replace('http', 'ws');
    await expect(TestSocket.open(`${wsBase}/ws`)).rejects.toMatchObject({ status: 401 });
    await expect(TestSocket.open(`${wsBase}/ws?access_token=${await token(otherKey())}`)).rejects.toMatchObject({ status: 401 });
  });

  it('none of the malformed requests above reached a service', async () => {
    await observer.flush();
    expect(forwarded).toEqual([]);
  });

  it('forwards a well-formed request, so the observer above can see one', async () => {
    const response = await post('/api/auth/login', JSON.stringify({ username: 'nobody_here', password: 'wrong password' }));
    await expectError(response, 401, 'INVALID_CREDENTIALS');
    await observer.flush();
    expect(forwarded).toEqual(['users.auth.login']);
  });

  it('sends CORS headers to the configured origin only', async () => {
    const allowed = await fetch(`${base}/api/auth/refresh`, { method: 'OPTIONS', headers: { origin: 'https://app.example.test' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
    const denied = await fetch(`${base}/api/auth/refresh`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.test' } });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sets security headers and echoes a request id', async () => {
    const response = await fetch(`${base}/api/nothing`, { headers: { 'x-request-id': 'req-12345678' } });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-request-id')).toBe('req-12345678');
  });

  it('serves the OpenAPI document generated from the contracts', async () => {
    const doc = (await (await fetch(`${base}/api/docs`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/register', '/api/users/me', '/api/users/{id}']));
    expect(doc.paths['/api/users/me']).toHaveProperty('patch');
  });
});
