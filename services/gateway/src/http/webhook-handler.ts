import type { NatsConnection } from '@nats-io/transport-node';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { SUBJECT } from '@messenger/contracts';
import { requestService, type Logger } from '@messenger/kit/edge';
import { BodyTooLarge, readBody } from './body.js';
import { Reply } from './reply.js';
import { applySecurityHeaders } from './security-headers.js';

const MAX_WEBHOOK_BYTES = 256 * 1024;

/**
 * POST /webhooks/livekit: LiveKit's signature covers the exact body bytes, so the gateway passes
 * the raw body and the Authorization header to the calls service untouched; that service holds
 * the LiveKit secret and verifies them.
 */
export const liveKitWebhookHandler =
  (deps: { nats: NatsConnection; logger: Logger; timeoutMs: number }) => (res: HttpResponse, req: HttpRequest) => {
    const authorization = req.getHeader('authorization');
    const lengthHeader = req.getHeader('content-length');
    const reply = new Reply(res);
    applySecurityHeaders(reply, crypto.randomUUID());
    const body = readBody(reply, lengthHeader === '' ? undefined : Number(lengthHeader), MAX_WEBHOOK_BYTES);
    void body
      .then(async (raw) => {
        if (!authorization) return reply.fail('UNAUTHENTICATED', 'webhook signature missing');
        const outcome = await requestService(
          deps.nats,
          SUBJECT.calls.webhook,
          { body: raw.toString('utf8'), authorization },
          { timeoutMs: deps.timeoutMs },
        );
        // `{handled}` tells LiveKit nothing it needs, and tells an operator (and the tests) about duplicates.
        if (outcome.ok) reply.json(200, outcome.response ?? {});
        else reply.error(outcome.error);
      })
      .catch((error: unknown) => {
        if (error instanceof BodyTooLarge) return reply.fail('PAYLOAD_TOO_LARGE', 'webhook body too large');
        deps.logger.error({ err: error }, 'webhook forwarding failed');
        reply.fail('INTERNAL', 'internal error');
      });
  };
