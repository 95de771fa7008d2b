import type { Message, MessageReactions } from '@messenger/contracts';
import { MESSAGE_LIMITS } from '@messenger/contracts';
import { notFound, ServiceError, type Logger } from '@messenger/kit';
import { requirePermission } from '../chats/chat-access.js';
import type { ChatState } from '../chats/chat-state.js';
import type { Pushes } from '../realtime/pushes.js';
import type { LiveMessages } from './live-messages.js';
import type { StoredMessage } from './message-view.js';
import { mentionedUsernames } from './mentions.js';

/** Deleting a message's files is the attachments module's (after the message no longer shows them). */
export interface AttachmentDiscard {
  discard(chatId: string, ids: string[]): Promise<void>;
}

const notAuthor = () => new ServiceError('PERMISSION_DENIED', 'only the author may edit a message', { permission: 'author' });

/**
 * Edits, deletions and reactions. Each is a compare-and-set of the message's state in Redis (LiveMessages), pushed
 * to everyone in the chat; the store catches up behind the request. Each one is safe to retry: the same edit, a
 * second deletion, or a reaction that is already there changes nothing and pushes nothing.
 */
export class MessageChangesService {
  constructor(
    private readonly state: ChatState,
    private readonly live: LiveMessages,
    private readonly pushes: Pushes,
    private readonly attachments: AttachmentDiscard,
    private readonly logger: Logger,
  ) {}

  async edit(userId: string, chatId: string, messageId: string, text: string): Promise<Message> {
    const { chat } = await this.state.access(chatId, userId);
    const result = await this.live.change(chatId, messageId, (m) => {
      if (m.deletedAt || m.kind !== 'text') throw notFound('message');
      if (m.senderId !== userId) throw notAuthor();
      if (m.text === text) return null;
      return { ...m, text, editedAt: new Date().toISOString(), mentions: this.keptMentions(m, text) };
    });
    if (!result) throw notFound('message');
    const message = await this.live.serveOne(result.message);
    if (result.changed)
      this.pushes.send(
        chat.participants.map((p) => p.user),
        'message.updated',
        message,
      );
    return message;
  }

  async delete(userId: string, chatId: string, messageId: string): Promise<void> {
    const access = await this.state.access(chatId, userId);
    let files: string[] = [];
    const result = await this.live.change(chatId, messageId, (m) => {
      if (m.deletedAt) return null;
      if (m.kind !== 'text') throw new ServiceError('PERMISSION_DENIED', 'a system line cannot be deleted', { permission: 'system line' });
      if (m.senderId !== userId) requirePermission(access, 'deleteOthersMessage');
      files = m.attachments.map((a) => a.id);
      return { ...m, text: '', attachments: [], reactions: [], mentions: [], replyTo: null, deletedAt: new Date().toISOString() };
    });
    if (!result) throw notFound('message');
    if (!result.changed) return;
    this.pushes.send(
      access.chat.participants.map((p) => p.user),
      'message.deleted',
      { chatId, messageId, seq: result.message.seq },
    );
    if (files.length)
      void this.attachments
        .discard(chatId, files)
        .catch((error: unknown) => this.logger.warn({ err: error, chatId, messageId }, "a deleted message's files were not removed"));
  }

  react(userId: string, chatId: string, messageId: string, emoji: string): Promise<MessageReactions> {
    return this.toggle(userId, chatId, messageId, emoji, true);
  }

  unreact(userId: string, chatId: string, messageId: string, emoji: string): Promise<MessageReactions> {
    return this.toggle(userId, chatId, messageId, emoji, false);
  }

  private async toggle(userId: string, chatId: string, messageId: string, emoji: string, on: boolean): Promise<MessageReactions> {
    const { chat } = await this.state.access(chatId, userId);
    const result = await this.live.change(chatId, messageId, (m) => {
      if (m.deletedAt) throw notFound('message');
      return withReaction(m, userId, emoji, on);
    });
    if (!result) throw notFound('message');
    const reactions: MessageReactions = { chatId, messageId, reactions: result.message.reactions };
    if (result.changed)
      this.pushes.send(
        chat.participants.map((p) => p.user),
        'message.reactions',
        reactions,
      );
    return reactions;
  }

  /**
   * An edit never adds a mention (people are notified when a message arrives, not when it changes); it keeps the
   * message's mentions while the text still names someone, and drops them when it names no one.
   */
  private keptMentions(m: StoredMessage, text: string): string[] {
    if (!m.mentions.length) return [];
    const names = new Set(mentionedUsernames(text));
    return names.size ? m.mentions : [];
  }
}

/** A message's reactions with `userId`'s `emoji` on or off; null when that is how they are already. */
export const withReaction = (m: StoredMessage, userId: string, emoji: string, on: boolean): StoredMessage | null => {
  const existing = m.reactions.find((r) => r.emoji === emoji);
  const mine = existing?.userIds.includes(userId) ?? false;
  if (mine === on) return null;
  if (on && !existing && m.reactions.length >= MESSAGE_LIMITS.reactionEmoji)
    throw new ServiceError('CONFLICT', `a message takes at most ${MESSAGE_LIMITS.reactionEmoji} different emoji`, {
      fields: [{ path: 'emoji', location: 'params', message: `at most ${MESSAGE_LIMITS.reactionEmoji} different emoji per message` }],
    });
  const reactions = on
    ? existing
      ? m.reactions.map((r) => (r.emoji === emoji ? { emoji, userIds: [...r.userIds, userId] } : r))
      : [...m.reactions, { emoji, userIds: [userId] }]
    : m.reactions
        .map((r) => (r.emoji === emoji ? { emoji, userIds: r.userIds.filter((id) => id !== userId) } : r))
        .filter((r) => r.userIds.length > 0);
  return { ...m, reactions };
};
