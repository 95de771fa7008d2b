import { EVENT, type User } from '@messenger/contracts';
import type { EventPublisher, Logger } from '@messenger/kit';

/**
 * Announces account facts on JetStream for the services that keep copies of names and avatars.
 * A failed publish is logged, not thrown: the account change is already saved, and failing the
 * request would make the client retry something that succeeded.
 */
export class UserEvents {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly logger: Logger,
  ) {}

  registered(user: User): Promise<void> {
    return this.send(() => this.publisher.publish(EVENT.userRegistered, { user }, `registered:${user.id}`), user.id);
  }

  updated(user: User, version: string): Promise<void> {
    return this.send(() => this.publisher.publish(EVENT.userUpdated, { user }, `updated:${user.id}:${version}`), user.id);
  }

  private async send(publish: () => Promise<void>, userId: string): Promise<void> {
    try {
      await publish();
    } catch (error) {
      this.logger.error({ err: error, userId }, 'user event not published');
    }
  }
}
