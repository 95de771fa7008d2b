import type { ServerFrame, User } from '@messenger/contracts';
import type { Logger } from '@messenger/kit';
import type { PresenceOutlets } from '../presence/presence-announcer.js';

/**
 * Tells a profile change (name, bio, picture) to the user's own devices and to everyone who shares a chat with
 * them, so names and pictures change on their screens without a reload. The contacts come from the groups
 * service's Redis sets, as for presence; when it does not answer, only the user's own devices hear of it.
 */
export class ProfileBroadcast {
  constructor(
    private readonly outlets: Pick<PresenceOutlets, 'contactsOf' | 'push'>,
    private readonly logger: Logger,
  ) {}

  /** To the user's devices at once; to their contacts behind the answer (the groups service may be slow or away). */
  changed(user: User): void {
    const frame = JSON.stringify({ type: 'user.updated', data: user } satisfies ServerFrame<'user.updated'>);
    this.outlets.push([user.id], frame);
    void this.toContacts(user.id, frame);
  }

  private async toContacts(userId: string, frame: string): Promise<void> {
    try {
      const contacts = (await this.outlets.contactsOf([userId]))?.get(userId) ?? [];
      const others = contacts.filter((id) => id !== userId);
      if (others.length) this.outlets.push(others, frame);
    } catch (error) {
      this.logger.warn({ err: error, userId }, "a profile change did not reach the user's contacts");
    }
  }
}
