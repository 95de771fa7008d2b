import type { NatsConnection } from '@nats-io/transport-node';
import { SUBJECT, type Membership, type UserSummary } from '@messenger/contracts';
import { askService, ServiceError } from '@messenger/kit';

/** The calls service's questions to the groups and users services, one round trip each. */
export class Directory {
  constructor(private readonly nats: NatsConnection) {}

  /** A non-member gets the same 404 as a missing chat, from the groups service itself. */
  async membership(chatId: string, userId: string): Promise<Membership> {
    const answer = await askService(this.nats, SUBJECT.groups.membership, { chatId, userId });
    if (!answer.ok) throw new ServiceError(answer.error.code, answer.error.message);
    return answer.reply;
  }

  async user(userId: string): Promise<UserSummary> {
    const answer = await askService(this.nats, SUBJECT.users.summaries, { ids: [userId] });
    return (answer.ok ? answer.reply.items[0] : undefined) ?? { id: userId, username: '', name: '', avatarUrl: null };
  }
}
