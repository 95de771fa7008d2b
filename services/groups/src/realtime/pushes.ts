import type { NatsConnection } from '@nats-io/transport-node';
import { pushSubject, type ServerFrame, type ServerFrameType } from '@messenger/contracts';

/** One event per affected user on push.user.<id>; gateways holding that user's sockets deliver it. */
export class Pushes {
  constructor(private readonly nats: NatsConnection) {}

  send<T extends ServerFrameType>(userIds: Iterable<string>, type: T, data: ServerFrame<T>['data']): void {
    const frame = JSON.stringify({ type, data });
    for (const userId of new Set(userIds)) this.nats.publish(pushSubject(userId), frame);
  }
}
