import type { NatsConnection } from '@nats-io/transport-node';
import { SUBJECT, type UserSummary } from '@messenger/contracts';
import { askService, ServiceError } from '@messenger/kit';

/** Names and avatars of users, asked of the users service in one round trip per 500 ids. */
export class UserDirectory {
  constructor(private readonly nats: NatsConnection) {}

  async summaries(ids: Iterable<string>): Promise<Map<string, UserSummary>> {
    const unique = [...new Set(ids)];
    const found = new Map<string, UserSummary>();
    for (let i = 0; i < unique.length; i += 500) {
      const answer = await askService(this.nats, SUBJECT.users.summaries, { ids: unique.slice(i, i + 500) });
      if (!answer.ok)
        throw new ServiceError(
          answer.error.code === 'SERVICE_TIMEOUT' ? 'SERVICE_TIMEOUT' : 'SERVICE_UNAVAILABLE',
          'the users service did not answer',
        );
      for (const user of answer.reply.items) found.set(user.id, user);
    }
    return found;
  }
}
