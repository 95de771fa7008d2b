import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { TemplatedApp, WebSocket, WebSocketBehavior } from 'uWebSockets.js';
import { ClientFrame, GATEWAY_SUBJECT, HEADER, SUBJECT, WS_LIMITS, errorBody, type ServerFrame } from '@messenger/contracts';
import type { Logger } from '@messenger/kit/edge';
import { bearerToken, type AccessTokenVerifier } from '../auth/access-token.js';
import { statusLine } from '../http/reply.js';
import type { GatewayMetrics } from '../metrics.js';
import type { PushHub } from './push-hub.js';
import { userTopic } from './push-hub.js';

export interface SocketData {
  userId: string;
  /** The sign-in that opened it (the token's `sid`), so a logout closes it. */
  sessionId?: string;
  /** When its access token runs out (ms): the socket is closed then (SocketLifetimes). */
  expiresAt: number;
  openedAt: number;
  /** Token bucket against client frame floods (typing spam). */
  tokens: number;
  refilledAt: number;
}

const FRAMES_PER_SECOND = 5;
const BURST = 20;

const frame = <T extends ServerFrame>(value: T): string => JSON.stringify(value);

/**
 * /ws: the access token is checked at upgrade, synchronously (see AccessTokenVerifier) (query `access_token` for browsers, or an
 * Authorization header), so an unauthenticated socket never opens. Each socket joins its user's
 * topic; a socket whose send buffer passes the limit is closed by uWS (closeOnBackpressureLimit),
 * so a slow client cannot make the gateway's memory grow without bound.
 */
export const socketBehavior = (deps: {
  app: TemplatedApp;
  tokens: AccessTokenVerifier;
  hub: PushHub;
  nats: NatsConnection;
  logger: Logger;
  gatewayId: string;
  maxBackpressure: number;
  onCountChange: (delta: number) => void;
  metrics: Pick<GatewayMetrics, 'clientFrames'>;
}): WebSocketBehavior<SocketData> => ({
  compression: 0,
  maxPayloadLength: WS_LIMITS.maxClientFrameBytes,
  idleTimeout: WS_LIMITS.idleTimeoutSeconds,
  sendPingsAutomatically: true,
  maxBackpressure: deps.maxBackpressure,
  closeOnBackpressureLimit: 1,

  upgrade: (res, req, context) => {
    const key = req.getHeader('sec-websocket-key');
    const protocol = req.getHeader('sec-websocket-protocol');
    const extensions = req.getHeader('sec-websocket-extensions');
    const token = new URLSearchParams(req.getQuery() ?? '').get('access_token') ?? bearerToken(req.getHeader('authorization'));
    const check = deps.tokens.verify(token);
    if (!check.ok) {
      res.writeStatus(statusLine(401)).writeHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(errorBody(check.code, check.message)));
      return;
    }
    const now = Date.now();
    const data: SocketData = { userId: check.userId, expiresAt: check.expiresAt * 1000, openedAt: now, tokens: BURST, refilledAt: now };
    if (check.sessionId) data.sessionId = check.sessionId;
    res.upgrade<SocketData>(data, key, protocol, extensions, context);
  },

  open: (ws) => {
    const { userId } = ws.getUserData();
    deps.hub.attach(userId);
    ws.subscribe(userTopic(userId));
    deps.onCountChange(1);
    ws.send(frame({ type: 'ready', data: { userId, gatewayId: deps.gatewayId } }));
    deps.nats.publish(GATEWAY_SUBJECT.socketOpened, JSON.stringify({ userId, gatewayId: deps.gatewayId }));
  },

  message: (ws, message) => {
    const data = ws.getUserData();
    const now = Date.now();
    data.tokens = Math.min(BURST, data.tokens + ((now - data.refilledAt) / 1000) * FRAMES_PER_SECOND);
    data.refilledAt = now;
    if (data.tokens < 1) {
      deps.metrics.clientFrames.add(1, { outcome: 'rate_limited' });
      ws.send(frame({ type: 'error', data: { code: 'RATE_LIMITED', message: 'too many frames' } }));
      return;
    }
    data.tokens -= 1;
    let parsed: ClientFrame;
    try {
      const result = ClientFrame.safeParse(JSON.parse(Buffer.from(message).toString('utf8')));
      if (!result.success) throw new Error(result.error.issues[0]?.message);
      parsed = result.data;
    } catch {
      deps.metrics.clientFrames.add(1, { outcome: 'invalid' });
      ws.send(frame({ type: 'error', data: { code: 'VALIDATION_FAILED', message: 'unknown or malformed frame' } }));
      return;
    }
    deps.metrics.clientFrames.add(1, { outcome: parsed.type });
    if (parsed.type === 'ping') ws.send(frame({ type: 'pong', data: { at: now } }));
    // typing is relayed by the groups service, which knows who else is in the chat.
    if (parsed.type === 'typing') {
      const headers = natsHeaders();
      headers.set(HEADER.CALLER_ID, data.userId);
      deps.nats.publish(SUBJECT.groups.typing, JSON.stringify({ chatId: parsed.data.chatId }), { headers });
    }
  },

  close: (ws: WebSocket<SocketData>, code: number) => {
    const { userId } = ws.getUserData();
    deps.logger.debug({ userId, code }, 'socket closed');
    deps.hub.detach(userId);
    deps.onCountChange(-1);
    deps.nats.publish(GATEWAY_SUBJECT.socketClosed, JSON.stringify({ userId, gatewayId: deps.gatewayId }));
  },
});
