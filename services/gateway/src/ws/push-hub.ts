import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { SpanKind, type Counter, type Tracer } from '@opentelemetry/api';
import { extractTraceContext, type HeaderCarrier, type Logger } from '@messenger/kit/edge';
import type { TemplatedApp } from 'uWebSockets.js';
import { decodePush, PUSH_SUBJECT } from '@messenger/contracts';

export const userTopic = (userId: string): string => `user:${userId}`;

/**
 * Takes every push on `push.users` through one subscription and hands its frame, unchanged, to the uWS topic of
 * each of its users with a socket here; users held elsewhere are skipped with a map lookup. One subscription for
 * the gateway, not one per connected user: a socket costs no NATS state, and a send to a group of 100 reaches this
 * gateway as one message. A push that carries trace context gets a `push.deliver` span in the trace that caused it.
 */
export class PushHub {
  /** Sockets here per user. */
  private readonly users = new Map<string, number>();

  constructor(
    nats: NatsConnection,
    private readonly app: TemplatedApp,
    private readonly tracer: Tracer,
    private readonly pushes: Counter,
    private readonly logger: Logger,
  ) {
    nats.subscribe(PUSH_SUBJECT, { callback: this.deliver });
  }

  attach(userId: string): void {
    this.users.set(userId, (this.users.get(userId) ?? 0) + 1);
  }

  detach(userId: string): void {
    const sockets = this.users.get(userId);
    if (sockets === undefined) return;
    if (sockets > 1) this.users.set(userId, sockets - 1);
    else this.users.delete(userId);
  }

  get userCount(): number {
    return this.users.size;
  }

  private readonly deliver = (error: Error | null, msg: Msg): void => {
    if (error) {
      // The one subscription every push comes through: NATS refused or ended it (a permissions mismatch, say).
      this.logger.error({ err: error.message }, 'push subscription failed: no push reaches this gateway');
      return;
    }
    const push = decodePush(msg.data);
    if (!push) return;
    if (msg.headers) this.deliverTraced(push.userIds, push.frame, msg);
    else this.publish(push.userIds, push.frame);
  };

  /** How many of the users are here, each handed the frame. */
  private publish(userIds: string[], frame: Uint8Array): number {
    let reached = 0;
    for (const userId of userIds) {
      if (!this.users.has(userId)) continue;
      this.app.publish(userTopic(userId), frame, false);
      reached++;
    }
    if (reached) this.pushes.add(reached);
    return reached;
  }

  private deliverTraced(userIds: string[], frame: Uint8Array, msg: Msg): void {
    // Every gateway sees every push; only those holding one of its users show it in the trace.
    if (!userIds.some((userId) => this.users.has(userId))) return;
    const span = this.tracer.startSpan(
      'push.deliver',
      { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject } },
      extractTraceContext(msg.headers as unknown as HeaderCarrier),
    );
    span.setAttribute('messenger.users_reached', this.publish(userIds, frame));
    span.end();
  }
}
