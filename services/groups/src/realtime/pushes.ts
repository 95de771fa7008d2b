import type { NatsConnection } from '@nats-io/transport-node';
import type { ServerFrame, ServerFrameType } from '@messenger/contracts';
import { publishPush } from '@messenger/kit';

/** Events for the affected users on `push.users` (one message for all of them); each gateway delivers to those it holds. */
export class Pushes {
  /** The flush that will cover every publish made until it goes out; null when none is waiting. */
  private next: Promise<void> | null = null;
  /** The flush out now (its PING sent, its PONG awaited). */
  private current: Promise<void> = Promise.resolve();

  constructor(private readonly nats: NatsConnection) {}

  send<T extends ServerFrameType>(userIds: Iterable<string>, type: T, data: ServerFrame<T>['data']): void {
    publishPush(this.nats, userIds, JSON.stringify({ type, data }));
  }

  /**
   * Resolves once NATS has everything published so far: the client buffers publishes, and a killed process loses
   * them. A flush is a PING and its PONG, a write and a read here and in NATS: the sends of one moment share one,
   * with one out at a time, and whatever is published while it is out waits for the next (which covers it, being sent
   * after it).
   */
  flushed(): Promise<void> {
    if (this.next) return this.next;
    const next = (async () => {
      await this.current; // always yields, so `this.next` is set before this goes on
      this.next = null; // publishes from here on need a PING sent after them: the next flush
      const flush = this.nats.flush();
      this.current = flush.catch(() => undefined);
      await flush;
    })();
    this.next = next;
    return next;
  }
}
