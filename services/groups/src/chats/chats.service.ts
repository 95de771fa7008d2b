import { Types } from 'mongoose';
import { DEFAULT_CALL_SETTINGS, DEFAULT_MEMBER_PERMISSIONS, type CallSettings, type Chat } from '@messenger/contracts';
import { ServiceError } from '@messenger/kit';
import type { ChatCounters } from '../messages/chat-counters.js';
import type { MessagesService } from '../messages/messages.service.js';
import type { MessagesRepository } from '../messages/messages.repository.js';
import type { Pushes } from '../realtime/pushes.js';
import type { UserDirectory } from '../realtime/user-directory.js';
import { requirePermission } from './chat-access.js';
import { accessIn, type ChatState } from './chat-state.js';
import { mapChat } from './chat-view.js';
import type { ChatDoc, ParticipantDoc } from './chat.model.js';
import type { ChatChanges, ChatsRepository } from './chats.repository.js';
import type { AvatarUrlSigner } from './avatar-url.js';
import type { MembershipIndex } from './membership-index.js';

const OWNER_PERMISSIONS = { canAddMembers: true, canRemoveMembers: true, canEditInfo: true, canStartCall: true };
const LIST_LIMIT = 200;

export const unknownUsers = (ids: string[]) =>
  new ServiceError('VALIDATION_FAILED', 'some users do not exist', {
    fields: ids.map((id) => ({ path: 'memberIds', location: 'body' as const, message: `no user ${id}` })),
  });

/** Chats as their members see them: creating, listing, viewing, editing and deleting. */
export class ChatsService {
  constructor(
    private readonly state: ChatState,
    private readonly index: MembershipIndex,
    private readonly chats: ChatsRepository,
    private readonly messages: MessagesRepository,
    private readonly counters: ChatCounters,
    private readonly messaging: MessagesService,
    private readonly users: UserDirectory,
    private readonly pushes: Pushes,
    private readonly maxMembersCap: number,
    private readonly signer: AvatarUrlSigner,
  ) {}

  private readonly avatarUrl = (chat: ChatDoc) => this.signer.url(chat._id.toHexString(), chat.avatarVersion);

  /** The chat as `viewerId` sees it, with names and avatars filled in. */
  async view(chat: ChatDoc, viewerId: string): Promise<Chat> {
    const [users, counts] = await Promise.all([
      this.users.summaries(chat.participants.map((p) => p.user)),
      this.messaging.countsFor(viewerId, [chat]),
    ]);
    return mapChat(chat, viewerId, users, counts.get(chat._id.toHexString()), this.avatarUrl);
  }

  /** Sends each participant their own view (a personal chat is named differently for each side). */
  async pushView(chat: ChatDoc, type: 'chat.created' | 'chat.updated', to: string[] = chat.participants.map((p) => p.user)): Promise<void> {
    const [users, counts] = await Promise.all([
      this.users.summaries(chat.participants.map((p) => p.user)),
      this.messaging.countsForMembers(chat, to),
    ]);
    for (const userId of to) this.pushes.send([userId], type, mapChat(chat, userId, users, counts.get(userId), this.avatarUrl));
  }

  /** The user's chats, most recently active first: ids from the membership index, chats from the cache. */
  async list(userId: string): Promise<{ items: Chat[]; nextCursor: string | null }> {
    const entries = await this.state.getMany(await this.index.chatsOf(userId));
    const chats = entries.map((e) => e.chat).filter((c) => c.participants.some((p) => p.user === userId));
    const [users, counts] = await Promise.all([
      this.users.summaries(chats.flatMap((c) => c.participants.map((p) => p.user))),
      this.messaging.countsFor(userId, chats),
    ]);
    const activity = (chat: ChatDoc) => counts.get(chat._id.toHexString())?.last?.createdAt ?? chat.createdAt.toISOString();
    const items = chats
      .map((chat) => ({ chat, at: activity(chat) }))
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      .slice(0, LIST_LIMIT)
      .map(({ chat }) => mapChat(chat, userId, users, counts.get(chat._id.toHexString()), this.avatarUrl));
    return { items, nextCursor: null };
  }

  async get(userId: string, chatId: string): Promise<Chat> {
    return this.view((await this.state.access(chatId, userId)).chat, userId);
  }

  /** The same pair always gets the same chat, also when both ask at once (a unique pair key decides). */
  async openPersonal(userId: string, otherId: string): Promise<Chat> {
    if (otherId === userId)
      throw new ServiceError('VALIDATION_FAILED', 'a personal chat needs another person', {
        fields: [{ path: 'userId', location: 'body', message: 'that is you' }],
      });
    const pairKey = [userId, otherId].sort().join(':');
    // A store read, on the rare "new chat" action: the pair key's unique index is what keeps the pair to one chat.
    const existing = await this.chats.findByPairKey(pairKey);
    if (existing) return this.view((await this.state.get(existing._id.toHexString()))?.chat ?? existing, userId);
    if (!(await this.users.summaries([otherId])).has(otherId)) throw new ServiceError('NOT_FOUND', 'user not found');
    const now = new Date();
    const member = (user: string): ParticipantDoc => ({
      user,
      role: 'member',
      joinedAt: now,
      addedBy: null,
      permissions: { ...DEFAULT_MEMBER_PERMISSIONS },
    });
    const created = await this.chats.create({
      type: 'personal',
      name: '',
      description: '',
      participants: [member(userId), member(otherId)],
      memberCount: 2,
      createdBy: userId,
      maxMembers: 2,
      callSettings: { ...DEFAULT_CALL_SETTINGS },
      pairKey,
    });
    if (!created) {
      const raced = await this.chats.findByPairKey(pairKey);
      if (!raced) throw new ServiceError('CONFLICT', 'personal chat could not be created');
      return this.view(raced, userId);
    }
    await this.counters.init(created._id.toHexString());
    await this.state.created(created);
    await this.pushView(created, 'chat.created', [otherId, userId]);
    return this.view(created, userId);
  }

  async createGroup(
    userId: string,
    input: { type: 'group' | 'channel'; name: string; description?: string; memberIds: string[] },
  ): Promise<Chat> {
    const memberIds = [...new Set(input.memberIds)].filter((id) => id !== userId);
    if (memberIds.length === 0)
      throw new ServiceError('VALIDATION_FAILED', 'pick at least one other person', {
        fields: [{ path: 'memberIds', location: 'body', message: 'nobody but you' }],
      });
    if (memberIds.length + 1 > this.maxMembersCap) {
      throw new ServiceError('GROUP_FULL', `a group holds at most ${this.maxMembersCap} members`, { maxMembers: this.maxMembersCap });
    }
    const known = await this.users.summaries(memberIds);
    const missing = memberIds.filter((id) => !known.has(id));
    if (missing.length) throw unknownUsers(missing);
    const now = new Date();
    const id = new Types.ObjectId();
    const chat = await this.chats.create({
      _id: id,
      type: input.type,
      name: input.name,
      description: input.description ?? '',
      participants: [
        { user: userId, role: 'owner', joinedAt: now, addedBy: null, permissions: { ...OWNER_PERMISSIONS } },
        ...memberIds.map((user, i) => ({
          user,
          role: 'member' as const,
          joinedAt: new Date(now.getTime() + i + 1),
          addedBy: userId,
          permissions: { ...DEFAULT_MEMBER_PERMISSIONS },
        })),
      ],
      memberCount: memberIds.length + 1,
      createdBy: userId,
      maxMembers: this.maxMembersCap,
      callSettings: { ...DEFAULT_CALL_SETTINGS },
      pairKey: `g:${id.toHexString()}`,
    });
    if (!chat) throw new ServiceError('CONFLICT', 'chat could not be created');
    await this.counters.init(id.toHexString());
    await this.state.created(chat);
    await this.messaging.appendSystem(
      chat,
      // The kind of chat made, so the line can say "created the channel" rather than "the group".
      { kind: 'chat.created', actorId: userId, targetIds: memberIds, details: { type: chat.type } },
      input.name,
    );
    await this.pushView(chat, 'chat.created');
    return this.view(chat, userId);
  }

  async update(
    userId: string,
    chatId: string,
    changes: { name?: string; description?: string; callSettings?: Partial<CallSettings> },
  ): Promise<{ chat: ChatDoc; callSettingsChanged: boolean }> {
    const chat = await this.state.change(chatId, (before) => {
      const access = accessIn(before, userId);
      if (changes.name !== undefined || changes.description !== undefined) requirePermission(access, 'editInfo');
      if (changes.callSettings) requirePermission(access, 'editCallSettings');
      const set: ChatChanges = {};
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.description !== undefined) set.description = changes.description;
      if (changes.callSettings) set.callSettings = { ...access.chat.callSettings, ...changes.callSettings };
      return {
        set,
        after: async (updated) => {
          if (changes.name !== undefined || changes.description !== undefined) {
            await this.messaging.appendSystem(
              updated,
              {
                kind: 'chat.info-edited',
                actorId: userId,
                targetIds: [],
                details: { name: changes.name, description: changes.description },
              },
              updated.name,
            );
          }
          await this.pushView(updated, 'chat.updated');
        },
      };
    });
    return { chat: chat!, callSettingsChanged: changes.callSettings !== undefined };
  }

  async delete(userId: string, chatId: string): Promise<ChatDoc> {
    let deleted: ChatDoc | undefined;
    await this.state.change(chatId, (before) => {
      const access = accessIn(before, userId);
      requirePermission(access, 'deleteChat');
      deleted = access.chat;
      return { remove: true, after: () => this.removed(access.chat) };
    });
    return deleted!;
  }

  /** After a chat is gone: its history and counters go too, and everyone who was in it is told. */
  async removed(chat: ChatDoc): Promise<void> {
    await this.messages.deleteChat(chat._id);
    await this.counters.forget(chat._id.toHexString());
    this.pushes.send(
      chat.participants.map((p) => p.user),
      'chat.deleted',
      { chatId: chat._id.toHexString() },
    );
  }
}
