import { EVENT } from '@messenger/contracts';
import type { Logger, Outbox } from '@messenger/kit';
import type { ChatDoc } from '../chats/chat.model.js';
import { plainCallSettings } from '../chats/chat-record.js';

/** Durable facts for the calls service: who must be dropped from a live call, new call rules, new roles. */
export class GroupEvents {
  constructor(
    private readonly publisher: Outbox,
    private readonly logger: Logger,
  ) {}

  memberRemoved(chat: ChatDoc, userIds: string[]): Promise<void> {
    const chatId = chat._id.toHexString();
    return this.send(() =>
      this.publisher.publish(EVENT.memberRemoved, { chatId, userIds }, `removed:${chatId}:${userIds.join(',')}:${chat.version}`),
    );
  }

  chatDeleted(chat: ChatDoc): Promise<void> {
    const chatId = chat._id.toHexString();
    return this.send(() =>
      this.publisher.publish(EVENT.chatDeleted, { chatId, memberIds: chat.participants.map((p) => p.user) }, `deleted:${chatId}`),
    );
  }

  callSettingsChanged(chat: ChatDoc): Promise<void> {
    const chatId = chat._id.toHexString();
    const callSettings = plainCallSettings(chat.callSettings);
    return this.send(() =>
      this.publisher.publish(EVENT.callSettingsChanged, { chatId, callSettings }, `call-settings:${chatId}:${chat.version}`),
    );
  }

  rolesChanged(chat: ChatDoc, userIds: string[]): Promise<void> {
    const chatId = chat._id.toHexString();
    return this.send(() =>
      this.publisher.publish(EVENT.rolesChanged, { chatId, userIds }, `roles:${chatId}:${userIds.join(',')}:${chat.version}`),
    );
  }

  private async send(publish: () => Promise<void>): Promise<void> {
    try {
      await publish();
    } catch (error) {
      // The outbox keeps a fact NATS would not take; this is both NATS and Redis failing.
      this.logger.error({ err: error }, 'group event not published');
    }
  }
}
