import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { SpanKind, type Counter, type Tracer } from '@opentelemetry/api';
import { extractTraceContext, type HeaderCarrier } from '@messenger/kit';
import type { TemplatedApp } from 'uWebSockets.js';
import { pushSubject } from '@messenger/contracts';

export const userTopic = (userId: string): string => `user:${userId}`;
const PUSH_PREFIX = pushSubject('');

/**
 * Holds one NATS subscription to `push.user.<id>` per user with at least one socket on this gateway,
 * and republishes each event, unchanged, to that user's uWS topic. NATS routes by interest, so an
 * event reaches only the gateways holding that user, and the frame bytes are never re-encoded.
 * An event that carries trace context gets a `push.deliver` span in the trace that caused it.
 */
export class PushHub {
  private readonly users = new Map<string, { sockets: number; subscription: Subscription }>();
  constructor(
    private readonly nats: NatsConnection,
    private readonly app: TemplatedApp,
    private readonly tracer: Tracer,
    private readonly pushes: Counter,
  ) {}

  attach(userId: string): void {
    const entry = this.users.get(userId);
    if (entry) {
      entry.sockets += 1;
      return;
    }
    this.users.set(userId, { sockets: 1, subscription: this.nats.subscribe(pushSubject(userId), { callback: this.deliver }) });
  }

  /** One callback for every user's subscription, finding the topic from the subject: no closure per user. */
  private readonly deliver = (error: Error | null, msg: Msg): void => {
    if (error) return;
    this.pushes.add(1);
    const topic = userTopic(msg.subject.slice(PUSH_PREFIX.length));
    if (msg.headers) this.deliverTraced(topic, msg);
    else this.app.publish(topic, msg.data, false);
  };

  private deliverTraced(topic: string, msg: Msg): void {
    const span = this.tracer.startSpan(
      'push.deliver',
      { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject } },
      extractTraceContext(msg.headers as unknown as HeaderCarrier),
    );
    span.setAttribute('messenger.sockets_reached', this.app.numSubscribers(topic));
    this.app.publish(topic, msg.data, false);
    span.end();
  }

  detach(userId: string): void {
    const entry = this.users.get(userId);
    if (!entry) return;
    entry.sockets -= 1;
    if (entry.sockets > 0) return;
    entry.subscription.unsubscribe();
    this.users.delete(userId);
  }

  get userCount(): number {
    return this.users.size;
  }
}
