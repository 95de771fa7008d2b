import { DEFAULT_MEMBER_PERMISSIONS, MUTED_FOREVER, type MuteFor, type Permissions, type Role } from '@messenger/contracts';
import { ServiceError } from '@messenger/kit';
import { requirePermission, type Access } from '../chats/chat-access.js';
import { accessIn, type ChangePlan, type ChatState } from '../chats/chat-state.js';
import type { ChatDoc, ParticipantDoc } from '../chats/chat.model.js';
import { unknownUsers, type ChatsService } from '../chats/chats.service.js';
import type { MessagesService } from '../messages/messages.service.js';
import type { GroupEvents } from '../realtime/group-events.js';
import type { Pushes } from '../realtime/pushes.js';
import type { UserDirectory } from '../realtime/user-directory.js';

/** A planned change to the participants, or a refusal; computed from one read of the chat under its lock. */
type Plan = { participants: ParticipantDoc[]; after: (chat: ChatDoc) => Promise<void> } | { nothing: true };

/** Who is in a group and with which role: adding, removing, leaving, roles, permissions, ownership. */
export class MembersService {
  constructor(
    private readonly state: ChatState,
    private readonly chatsService: ChatsService,
    private readonly messaging: MessagesService,
    private readonly users: UserDirectory,
    private readonly pushes: Pushes,
    private readonly calls: Pick<GroupEvents, 'memberRemoved' | 'rolesChanged'>,
  ) {}

  async add(userId: string, chatId: string, userIds: string[]): Promise<ChatDoc> {
    const known = await this.users.summaries(userIds);
    const missing = userIds.filter((id) => !known.has(id));
    if (missing.length) throw unknownUsers(missing);
    return this.change(chatId, userId, (access) => {
      requirePermission(access, 'addMembers');
      const present = new Set(access.chat.participants.map((p) => p.user));
      const added = [...new Set(userIds)].filter((id) => !present.has(id));
      if (!added.length) return { nothing: true };
      if (access.chat.participants.length + added.length > access.chat.maxMembers) {
        throw new ServiceError('GROUP_FULL', `the group holds at most ${access.chat.maxMembers} members`, {
          maxMembers: access.chat.maxMembers,
        });
      }
      const now = Date.now();
      const newcomers = added.map((user, i) => ({
        user,
        role: 'member' as const,
        joinedAt: new Date(now + i),
        addedBy: userId,
        permissions: { ...DEFAULT_MEMBER_PERMISSIONS },
      }));
      return {
        participants: [...access.chat.participants, ...newcomers],
        after: async (chat) => {
          await this.messaging.appendSystem(chat, { kind: 'member.added', actorId: userId, targetIds: added }, '');
          await this.chatsService.pushView(chat, 'chat.created', added);
          const others = chat.participants.map((p) => p.user).filter((id) => !added.includes(id));
          this.pushes.send(others, 'chat.member.added', { chatId, userIds: added });
        },
      };
    });
  }

  /** Removing yourself is leaving. */
  async remove(userId: string, chatId: string, targetId: string): Promise<ChatDoc | undefined> {
    if (targetId === userId) return this.leave(userId, chatId);
    return this.change(chatId, userId, (access) => {
      const target = access.chat.participants.find((p) => p.user === targetId);
      if (!target) throw new ServiceError('NOT_FOUND', 'member not found');
      requirePermission(access, 'removeMember', target);
      return {
        participants: access.chat.participants.filter((p) => p.user !== targetId),
        after: async (chat) => this.afterRemoval(chat, [targetId], userId, 'member.removed'),
      };
    });
  }

  /**
   * Anyone may leave. An owner leaving hands the group to the longest-standing admin, else the
   * longest-standing member; the last one out deletes the group.
   */
  async leave(userId: string, chatId: string): Promise<ChatDoc | undefined> {
    const chat = await this.state.change(chatId, (before): ChangePlan => {
      const access = accessIn(before, userId);
      if (access.chat.type === 'personal')
        throw new ServiceError('PERMISSION_DENIED', 'a personal chat cannot be left', { permission: 'personal chat' });
      const rest = access.chat.participants.filter((p) => p.user !== userId).map((p) => ({ ...p }));
      if (rest.length === 0) {
        return {
          remove: true,
          after: async () => {
            await this.chatsService.removed(access.chat);
            await this.calls.memberRemoved(access.chat, [userId]);
          },
        };
      }
      if (access.me.role === 'owner') {
        const byTenure = (a: ParticipantDoc, b: ParticipantDoc) => a.joinedAt.getTime() - b.joinedAt.getTime();
        const heir = rest.filter((p) => p.role === 'admin').sort(byTenure)[0] ?? [...rest].sort(byTenure)[0]!;
        heir.role = 'owner';
        heir.permissions = { canAddMembers: true, canRemoveMembers: true, canEditInfo: true, canStartCall: true };
      }
      return {
        set: { participants: rest, memberCount: rest.length },
        after: (updated) => this.afterRemoval(updated, [userId], userId, 'member.left'),
      };
    });
    return chat ?? undefined;
  }

  async update(
    userId: string,
    chatId: string,
    targetId: string,
    changes: { role?: Exclude<Role, 'owner'>; permissions?: Partial<Permissions>; ringMuted?: boolean; muteFor?: MuteFor },
  ): Promise<ChatDoc> {
    return this.change(chatId, userId, (access) => {
      const target = access.chat.participants.find((p) => p.user === targetId);
      if (!target) throw new ServiceError('NOT_FOUND', 'member not found');
      // Whether to be rung is each member's own choice, and nobody else's.
      if (changes.ringMuted !== undefined && targetId !== userId) {
        throw new ServiceError('PERMISSION_DENIED', 'only you can choose whether you are rung', { permission: 'self' });
      }
      if (changes.muteFor !== undefined && targetId !== userId) {
        throw new ServiceError('PERMISSION_DENIED', 'only you can mute a chat for yourself', { permission: 'self' });
      }
      if (target.role === 'owner' && (changes.role !== undefined || changes.permissions !== undefined)) {
        throw new ServiceError('PERMISSION_DENIED', "the owner's role changes only by a transfer", { permission: 'owner' });
      }
      if (changes.role !== undefined) requirePermission(access, 'changeRole', target);
      if (changes.permissions !== undefined) requirePermission(access, 'setPermissions', target);
      const participants = access.chat.participants.map((p) =>
        p.user === targetId
          ? {
              ...p,
              role: changes.role ?? p.role,
              permissions: { ...p.permissions, ...changes.permissions },
              ringMuted: changes.ringMuted ?? p.ringMuted ?? false,
              mutedUntil: changes.muteFor !== undefined ? mutedUntil(changes.muteFor) : (p.mutedUntil ?? null),
            }
          : p,
      );
      return {
        participants,
        after: async (chat) => {
          if (changes.role !== undefined && changes.role !== target.role) {
            await this.messaging.appendSystem(
              chat,
              { kind: 'member.role-changed', actorId: userId, targetIds: [targetId], details: { role: changes.role } },
              '',
            );
            await this.calls.rolesChanged(chat, [targetId]);
          }
          if (changes.permissions) {
            await this.messaging.appendSystem(
              chat,
              { kind: 'member.permissions-changed', actorId: userId, targetIds: [targetId], details: changes.permissions },
              '',
            );
          }
          this.pushes.send(
            chat.participants.map((p) => p.user),
            'chat.member.updated',
            { chatId, userId: targetId, role: changes.role ?? target.role, permissions: { ...target.permissions, ...changes.permissions } },
          );
        },
      };
    });
  }

  async transferOwnership(userId: string, chatId: string, targetId: string): Promise<ChatDoc> {
    return this.change(chatId, userId, (access) => {
      const target = access.chat.participants.find((p) => p.user === targetId);
      if (!target) throw new ServiceError('NOT_FOUND', 'member not found');
      requirePermission(access, 'transferOwnership', target);
      if (target.user === userId) return { nothing: true };
      const full = { canAddMembers: true, canRemoveMembers: true, canEditInfo: true, canStartCall: true };
      const participants = access.chat.participants.map((p) =>
        p.user === targetId
          ? { ...p, role: 'owner' as const, permissions: full }
          : p.user === userId
            ? { ...p, role: 'admin' as const }
            : p,
      );
      return {
        participants,
        after: async (chat) => {
          await this.messaging.appendSystem(chat, { kind: 'owner.transferred', actorId: userId, targetIds: [targetId] }, '');
          await this.chatsService.pushView(chat, 'chat.updated');
          await this.calls.rolesChanged(chat, [targetId, userId]);
        },
      };
    });
  }

  private async afterRemoval(chat: ChatDoc, removed: string[], actorId: string, kind: 'member.removed' | 'member.left'): Promise<void> {
    const chatId = chat._id.toHexString();
    // The removed hear it first and then nothing more from this chat: they are no longer participants.
    this.pushes.send([...removed, ...chat.participants.map((p) => p.user)], 'chat.member.removed', { chatId, userIds: removed });
    await this.messaging.appendSystem(chat, { kind, actorId, targetIds: removed }, '');
    await this.chatsService.pushView(chat, 'chat.updated');
    await this.calls.memberRemoved(chat, removed);
  }

  /** Plans a change of the participants from the chat as it stands, under its lock (ChatState). */
  private async change(chatId: string, userId: string, plan: (access: Access) => Plan): Promise<ChatDoc> {
    const chat = await this.state.change(chatId, (before): ChangePlan => {
      const planned = plan(accessIn(before, userId));
      if ('nothing' in planned) return planned;
      return { set: { participants: planned.participants, memberCount: planned.participants.length }, after: planned.after };
    });
    return chat!;
  }
}

const HOUR_MS = 3600_000;
/** When a mute chosen now ends. */
export const mutedUntil = (muteFor: MuteFor, now = Date.now()): Date | null => {
  switch (muteFor) {
    case '1h':
      return new Date(now + HOUR_MS);
    case '8h':
      return new Date(now + 8 * HOUR_MS);
    case 'forever':
      return new Date(MUTED_FOREVER);
    case 'off':
      return null;
  }
};
