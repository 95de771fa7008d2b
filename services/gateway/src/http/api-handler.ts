import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { NatsConnection } from '@nats-io/transport-node';
import type { HttpResponse, HttpRequest } from 'uWebSockets.js';
import { z } from 'zod';
import { type FieldIssue, type RouteContract } from '@messenger/contracts';
import { fieldIssues, requestService, sharedInstruments, type Logger } from '@messenger/kit/edge';
import type { AccessTokenVerifier } from '../auth/access-token.js';
import { bearerToken } from '../auth/access-token.js';
import type { GatewayConfig } from '../config.js';
import type { GatewayMetrics } from '../metrics.js';
import { sendBinary } from './binary-reply.js';
import { BodyTooLarge, readBody } from './body.js';
import type { EdgeSampling } from './edge-sampling.js';
import { clearedRefreshCookie, readCookie, REFRESH_COOKIE, refreshCookie } from './cookies.js';
import type { CorsPolicy } from './cors.js';
import { describeLimit, FileRoutes } from './file-routes.js';
import { readIncoming, type Incoming } from './incoming.js';
import { Reply } from './reply.js';
import type { RouteTable } from './route-table.js';
import { applySecurityHeaders } from './security-headers.js';

const RefreshGrant = z.object({ token: z.string().min(1), expiresAt: z.iso.datetime() });

export interface ApiDeps {
  config: GatewayConfig;
  routes: RouteTable;
  tokens: AccessTokenVerifier;
  cors: CorsPolicy;
  nats: NatsConnection;
  tracer: Tracer;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'httpDuration'>;
  sampling: EdgeSampling;
}

/**
 * The edge pipeline for /api: route → CORS → token → body → validation → NATS request → HTTP answer.
 * It holds no business rule; anything malformed is answered here and never reaches a service.
 */
export const apiHandler = (deps: ApiDeps) => {
  const files = FileRoutes.fromEnv();
  return (res: HttpResponse, req: HttpRequest) => handle(deps, files, res, req);
};

const handle = (deps: ApiDeps, files: FileRoutes, res: HttpResponse, req: HttpRequest) => {
  const incoming = readIncoming(res, req, deps.config.TRUST_PROXY);
  const reply = new Reply(res);
  applySecurityHeaders(reply, incoming.requestId);
  deps.cors.apply(reply, incoming.origin);
  if (incoming.method === 'OPTIONS') return deps.cors.preflight(reply, incoming.origin);

  const found = deps.routes.lookup(incoming.method, incoming.path);
  if (found.kind === 'not-found') return reply.fail('ROUTE_NOT_FOUND', `no route ${incoming.method} ${incoming.path}`);
  if (found.kind === 'method-not-allowed') {
    reply.header('allow', found.allowed.join(', '));
    return reply.fail('METHOD_NOT_ALLOWED', `${incoming.method} is not allowed on ${incoming.path}`);
  }
  const { route, params } = found.match;
  const started = performance.now();
  const traceparent = deps.sampling.decide(incoming.traceparent);
  const parent = traceparent ? propagation.extract(context.active(), { traceparent, tracestate: incoming.tracestate }) : context.active();
  const span = deps.tracer.startSpan(
    `HTTP ${route.method} ${route.path}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': route.method, 'http.route': route.path, 'messenger.request_id': incoming.requestId },
    },
    parent,
  );
  const finish = () => {
    span.setAttribute('http.response.status_code', reply.status);
    if (reply.errorCode) span.setAttribute('messenger.error_code', reply.errorCode);
    if (reply.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    const attributes = { 'http.route': route.path, 'http.request.method': route.method, 'http.response.status_code': reply.status };
    deps.metrics.httpDuration.record((performance.now() - started) / 1000, attributes);
    if (reply.errorCode) sharedInstruments().errors.add(1, { code: reply.errorCode, 'http.route': route.path });
  };
  // The token first (synchronous): a request without a valid one is answered before a byte of its body is read,
  // so an anonymous client cannot make the gateway buffer uploads.
  let callerId: string | undefined;
  if (route.auth === 'required') {
    const check = deps.tokens.verify(bearerToken(incoming.authorization));
    if (!check.ok) {
      reply.header('www-authenticate', 'Bearer');
      reply.fail(check.code, check.message);
      return finish();
    }
    callerId = check.userId;
  }
  // uWS delivers body chunks only to a handler attached before this function returns, so reading
  // starts here, before any await, and `forward` awaits it when it needs the body.
  const body = route.upload
    ? readUpload(incoming, reply, files.maxBytes({ ...route, upload: route.upload }))
    : route.body
      ? readJsonBody(deps, incoming, reply)
      : Promise.resolve<BodyResult>({ ok: true, value: undefined });
  body.catch(() => undefined); // a request refused before its body is needed must not leave a rejection unhandled
  void context
    .with(trace.setSpan(parent, span), () => forward(deps, files, route, params, incoming, reply, body, callerId))
    .catch((error: unknown) => {
      deps.logger.error({ err: error, requestId: incoming.requestId }, 'request failed in the gateway');
      reply.fail('INTERNAL', 'internal error');
    })
    .finally(finish);
};

type BodyResult =
  | { ok: true; value: unknown }
  | {
      ok: false;
      code: 'UNSUPPORTED_MEDIA_TYPE' | 'PAYLOAD_TOO_LARGE' | 'INVALID_JSON' | 'VALIDATION_FAILED';
      message: string;
      details?: { maxBytes: number };
    };

const readJsonBody = async (deps: ApiDeps, incoming: Incoming, reply: Reply): Promise<BodyResult> => {
  if (!/^application\/json\b/i.test(incoming.contentType))
    return { ok: false, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json' };
  let raw: Buffer;
  try {
    raw = await readBody(reply, incoming.contentLength, deps.config.MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge)
      return { ok: false, code: 'PAYLOAD_TOO_LARGE', message: `the body is larger than ${deps.config.MAX_BODY_BYTES} bytes` };
    throw error;
  }
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false, code: 'INVALID_JSON', message: 'the body is not valid JSON' };
  }
};

const readUpload = async (incoming: Incoming, reply: Reply, maxBytes: number): Promise<BodyResult> => {
  try {
    const raw = await readBody(reply, incoming.contentLength, maxBytes);
    if (raw.length === 0) return { ok: false, code: 'VALIDATION_FAILED', message: 'the file is empty' };
    return { ok: true, value: raw };
  } catch (error) {
    if (error instanceof BodyTooLarge)
      return {
        ok: false,
        code: 'PAYLOAD_TOO_LARGE',
        message: `the file is larger than the limit of ${describeLimit(maxBytes)}`,
        details: { maxBytes },
      };
    throw error;
  }
};

const forward = async (
  deps: ApiDeps,
  files: FileRoutes,
  route: RouteContract,
  params: Record<string, string>,
  incoming: Incoming,
  reply: Reply,
  bodyRead: Promise<BodyResult>,
  callerId: string | undefined,
) => {
  const bodyResult = await bodyRead;
  if (!bodyResult.ok) return reply.fail(bodyResult.code, bodyResult.message, bodyResult.details);
  const body = bodyResult.value;

  const issues: FieldIssue[] = [];
  const data: Record<string, unknown> = {};
  const check = (schema: z.ZodType | undefined, value: unknown, location: FieldIssue['location']) => {
    if (!schema) return;
    const result = schema.safeParse(value);
    if (result.success) Object.assign(data, result.data);
    else issues.push(...fieldIssues(result.error, location));
  };
  check(route.params, params, 'params');
  check(route.query ?? (incoming.query ? z.strictObject({}) : undefined), Object.fromEntries(new URLSearchParams(incoming.query)), 'query');
  if (route.upload) {
    data[route.upload.field] = (body as Buffer).toString('base64');
    const typeField = files.declaredTypeField(route);
    if (typeField && incoming.contentType) data[typeField] = incoming.contentType.slice(0, 255);
  } else check(route.body, body, 'body');
  if (issues.length) return reply.fail('VALIDATION_FAILED', `invalid ${issues[0]!.path}: ${issues[0]!.message}`, { fields: issues });

  if (route.refreshCookie?.startsWith('read')) {
    const token = readCookie(incoming.cookie, REFRESH_COOKIE);
    if (token) data.refreshToken = token;
  }

  const outcome = await requestService(deps.nats, route.subject, data, {
    ...(callerId ? { callerId } : {}),
    requestId: incoming.requestId,
    clientIp: incoming.clientIp,
    timeoutMs: files.timeoutMs(route, deps.config.NATS_REQUEST_TIMEOUT_MS),
  });
  if (route.refreshCookie === 'read-and-clear') reply.header('set-cookie', clearedRefreshCookie(deps.config.COOKIE_SECURE));
  if (!outcome.ok) {
    if (outcome.error.code === 'REFRESH_TOKEN_INVALID') reply.header('set-cookie', clearedRefreshCookie(deps.config.COOKIE_SECURE));
    return reply.error(outcome.error);
  }

  let response = outcome.response;
  if (route.refreshCookie === 'set' || route.refreshCookie === 'read-and-set') {
    const { refresh, ...rest } = (response ?? {}) as { refresh?: unknown };
    const grant = RefreshGrant.safeParse(refresh);
    if (!grant.success) throw new Error(`${route.subject} answered without a refresh grant`);
    reply.header('set-cookie', refreshCookie(grant.data.token, new Date(grant.data.expiresAt), deps.config.COOKIE_SECURE));
    response = rest;
  }
  if (route.binaryResponse) return sendBinary(reply, response);
  const status = route.successStatus ?? 200;
  if (status === 204) return reply.send(204, undefined);
  reply.json(status, response);
};
