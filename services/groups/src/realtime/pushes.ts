import type { NatsConnection } from '@nats-io/transport-node';
import type { ServerFrame, ServerFrameType } from '@messenger/contracts';
import { publishPush } from '@messenger/kit';

/** One event per affected user on push.user.<id>; gateways holding that user's sockets deliver it. */
export class Pushes {
  constructor(private readonly nats: NatsConnection) {}

  send<T extends ServerFrameType>(userIds: Iterable<string>, type: T, data: ServerFrame<T>['data']): void {
    publishPush(this.nats, userIds, JSON.stringify({ type, data }));
  }

  /** Resolves once NATS has everything published so far: the client buffers publishes, and a killed process loses them. */
  flushed(): Promise<void> {
    return this.nats.flush();
  }
}
