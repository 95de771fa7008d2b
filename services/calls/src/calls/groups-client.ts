import type { NatsConnection } from '@nats-io/transport-node';
import { SUBJECT, type Membership, type UserSummary } from '@messenger/contracts';
import { requestService, ServiceError } from '@messenger/kit';

/** The calls service's questions to the groups and users services, one round trip each. */
export class Directory {
  constructor(private readonly nats: NatsConnection) {}

  /** A non-member gets the same 404 as a missing chat, from the groups service itself. */
  async membership(chatId: string, userId: string): Promise<Membership> {
    const reply = await requestService(this.nats, SUBJECT.groups.membership, { chatId, userId });
    if (!reply.ok) throw new ServiceError(reply.error.code, reply.error.message);
    return reply.response as Membership;
  }

  async user(userId: string): Promise<UserSummary> {
    const reply = await requestService(this.nats, SUBJECT.users.summaries, { ids: [userId] });
    const found = reply.ok ? (reply.response as { items: UserSummary[] }).items[0] : undefined;
    return found ?? { id: userId, username: '', name: '', avatarUrl: null };
  }
}
