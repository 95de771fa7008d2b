import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { TemplatedApp } from 'uWebSockets.js';
import { pushSubject } from '@messenger/contracts';

export const userTopic = (userId: string): string => `user:${userId}`;

/**
 * Holds one NATS subscription to `push.user.<id>` per user with at least one socket on this gateway,
 * and republishes each event, unchanged, to that user's uWS topic. NATS routes by interest, so an
 * event reaches only the gateways holding that user, and the frame bytes are never re-encoded.
 */
export class PushHub {
  private readonly users = new Map<string, { sockets: number; subscription: Subscription }>();
  delivered = 0;

  constructor(
    private readonly nats: NatsConnection,
    private readonly app: TemplatedApp,
  ) {}

  attach(userId: string): void {
    const entry = this.users.get(userId);
    if (entry) {
      entry.sockets += 1;
      return;
    }
    const topic = userTopic(userId);
    const subscription = this.nats.subscribe(pushSubject(userId), {
      callback: (error, msg) => {
        if (error) return;
        this.delivered += 1;
        this.app.publish(topic, msg.data, false);
      },
    });
    this.users.set(userId, { sockets: 1, subscription });
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
