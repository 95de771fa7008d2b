import { Types } from 'mongoose';
import { DEFAULT_CALL_SETTINGS, DEFAULT_MEMBER_PERMISSIONS, type CallSettings, type Chat } from '@messenger/contracts';
import { ServiceError } from '@messenger/kit';
import type { MessagesService } from '../messages/messages.service.js';
import type { MessagesRepository } from '../messages/messages.repository.js';
import type { Pushes } from '../realtime/pushes.js';
import type { UserDirectory } from '../realtime/user-directory.js';
import { loadAccess, requirePermission } from './chat-access.js';
import { mapChat } from './chat-view.js';
import type { ChatDoc, ParticipantDoc } from './chat.model.js';
import type { ChatsRepository } from './chats.repository.js';
import type { AvatarUrlSigner } from './avatar-url.js';
import type { ChatLocks } from './chat-lock.js';

const OWNER_PERMISSIONS = { canAddMembers: true, canRemoveMembers: true, canEditInfo: true, canStartCall: true };

export const unknownUsers = (ids: string[]) =>
  new ServiceError('VALIDATION_FAILED', 'some users do not exist', {
    fields: ids.map((id) => ({ path: 'memberIds', location: 'body' as const, message: `no user ${id}` })),
  });

export class ChatsService {
  constructor(
    private readonly chats: ChatsRepository,
    private readonly messages: MessagesRepository,
    private readonly messaging: MessagesService,
    private readonly users: UserDirectory,
    private readonly pushes: Pushes,
    private readonly maxMembersCap: number,
    private readonly signer: AvatarUrlSigner,
    private readonly locks: ChatLocks,
  ) {}

  private readonly avatarUrl = (chat: ChatDoc) => this.signer.url(chat._id.toHexString(), chat.avatarVersion);

  /** The chat as `viewerId` sees it, with names and avatars filled in. */
  async view(chat: ChatDoc, viewerId: string): Promise<Chat> {
    const [users, reads] = await Promise.all([
      this.users.summaries(chat.participants.map((p) => p.user)),
      this.messages.readSeqs(viewerId, [chat._id.toHexString()]),
    ]);
    return mapChat(chat, viewerId, users, reads.get(chat._id.toHexString()) ?? 0, this.avatarUrl);
  }

  /** Sends each participant their own view (a personal chat is named differently for each side). */
  async pushView(chat: ChatDoc, type: 'chat.created' | 'chat.updated', to: string[] = chat.participants.map((p) => p.user)): Promise<void> {
    const [users, reads] = await Promise.all([
      this.users.summaries(chat.participants.map((p) => p.user)),
      this.messages.readSeqsOfMembers(chat._id.toHexString(), to),
    ]);
    for (const userId of to) this.pushes.send([userId], type, mapChat(chat, userId, users, reads.get(userId) ?? 0, this.avatarUrl));
  }

  async list(userId: string): Promise<{ items: Chat[]; nextCursor: string | null }> {
    const chats = await this.chats.listFor(userId, { limit: 200 });
    const [users, reads] = await Promise.all([
      this.users.summaries(chats.flatMap((c) => c.participants.map((p) => p.user))),
      this.messages.readSeqs(
        userId,
        chats.map((c) => c._id.toHexString()),
      ),
    ]);
    return { items: chats.map((c) => mapChat(c, userId, users, reads.get(c._id.toHexString()) ?? 0, this.avatarUrl)), nextCursor: null };
  }

  async get(userId: string, chatId: string): Promise<Chat> {
    return this.view((await loadAccess(this.chats, chatId, userId)).chat, userId);
  }

  /** The same pair always gets the same chat, also when both ask at once (a unique pair key decides). */
  async openPersonal(userId: string, otherId: string): Promise<Chat> {
    if (otherId === userId)
      throw new ServiceError('VALIDATION_FAILED', 'a personal chat needs another person', {
        fields: [{ path: 'userId', location: 'body', message: 'that is you' }],
      });
    const pairKey = [userId, otherId].sort().join(':');
    const existing = await this.chats.findByPairKey(pairKey);
    if (existing) return this.view(existing, userId);
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
    const chat = created ?? (await this.chats.findByPairKey(pairKey));
    if (!chat) throw new ServiceError('CONFLICT', 'personal chat could not be created');
    if (created) await this.pushView(chat, 'chat.created', [otherId, userId]);
    return this.view(chat, userId);
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
    await this.messaging.appendSystem(chat, { kind: 'chat.created', actorId: userId, targetIds: memberIds }, input.name);
    const fresh = (await this.chats.findById(id.toHexString())) ?? chat;
    await this.pushView(fresh, 'chat.created');
    return this.view(fresh, userId);
  }

  update(userId: string, chatId: string, changes: { name?: string; description?: string; callSettings?: Partial<CallSettings> }) {
    return this.locks.withLock(chatId, () => this.updateLocked(userId, chatId, changes));
  }

  private async updateLocked(
    userId: string,
    chatId: string,
    changes: { name?: string; description?: string; callSettings?: Partial<CallSettings> },
  ): Promise<{ chat: ChatDoc; callSettingsChanged: boolean }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const access = await loadAccess(this.chats, chatId, userId);
      if (changes.name !== undefined || changes.description !== undefined) requirePermission(access, 'editInfo');
      if (changes.callSettings) requirePermission(access, 'editCallSettings');
      const set: Parameters<ChatsRepository['replaceIfUnchanged']>[1] = {};
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.description !== undefined) set.description = changes.description;
      if (changes.callSettings) set.callSettings = { ...access.chat.callSettings, ...changes.callSettings };
      const updated = await this.chats.replaceIfUnchanged(access.chat, set);
      if (!updated) continue;
      if (changes.name !== undefined || changes.description !== undefined) {
        await this.messaging.appendSystem(
          updated,
          { kind: 'chat.info-edited', actorId: userId, targetIds: [], details: { name: changes.name, description: changes.description } },
          updated.name,
        );
      }
      const fresh = (await this.chats.findById(chatId)) ?? updated;
      await this.pushView(fresh, 'chat.updated');
      return { chat: fresh, callSettingsChanged: changes.callSettings !== undefined };
    }
    throw new ServiceError('CONFLICT', 'the chat is changing too fast; try again');
  }

  async delete(userId: string, chatId: string): Promise<ChatDoc> {
    const access = await loadAccess(this.chats, chatId, userId);
    requirePermission(access, 'deleteChat');
    await this.remove(access.chat);
    return access.chat;
  }

  /** Deletes a chat and its history, and tells everyone who was in it. */
  async remove(chat: ChatDoc): Promise<void> {
    await this.chats.delete(chat._id);
    await this.messages.deleteChat(chat._id);
    this.pushes.send(
      chat.participants.map((p) => p.user),
      'chat.deleted',
      { chatId: chat._id.toHexString() },
    );
  }
}
