import type { Chat, UserSummary } from '@messenger/contracts';
import type { ChatDoc } from './chat.model.js';
import type { ChatCounts } from '../messages/chat-counters.js';
import { plainCallSettings, plainPermissions } from './chat-record.js';

const unknownUser = (id: string): UserSummary => ({ id, username: 'deleted', name: 'Deleted account', avatarUrl: null });

/**
 * The public shape of a chat for one viewer: a personal chat is named and pictured after the other
 * person; internal fields (pairKey, version, _id) never leave the service.
 */
export const mapChat = (
  chat: ChatDoc,
  viewerId: string,
  users: Map<string, UserSummary>,
  counts: ChatCounts | undefined,
  groupAvatarUrl: (chat: ChatDoc) => string | null,
): Chat => {
  const other = chat.type === 'personal' ? chat.participants.find((p) => p.user !== viewerId) : undefined;
  const otherUser = other ? (users.get(other.user) ?? unknownUser(other.user)) : undefined;
  return {
    id: chat._id.toHexString(),
    type: chat.type,
    name: otherUser ? otherUser.name : chat.name,
    description: chat.description,
    avatarUrl: otherUser ? otherUser.avatarUrl : groupAvatarUrl(chat),
    participants: chat.participants.map((p) => ({
      user: users.get(p.user) ?? unknownUser(p.user),
      role: p.role,
      joinedAt: p.joinedAt.toISOString(),
      addedBy: p.addedBy,
      permissions: plainPermissions(p.permissions),
      ringMuted: p.ringMuted ?? false,
      mutedUntil: p.mutedUntil && p.mutedUntil.getTime() > Date.now() ? p.mutedUntil.toISOString() : null,
    })),
    memberCount: chat.memberCount,
    createdBy: chat.createdBy,
    maxMembers: chat.maxMembers,
    callSettings: plainCallSettings(chat.callSettings),
    lastMessage: counts?.last
      ? {
          id: counts.last.id,
          senderId: counts.last.senderId,
          kind: counts.last.kind,
          text: counts.last.text,
          system: counts.last.system,
          createdAt: counts.last.createdAt,
          deleted: counts.last.deleted ?? false,
        }
      : null,
    unreadCount: counts?.unread ?? 0,
    mentionCount: counts?.mentionCount ?? 0,
    liveCallId: chat.liveCallId,
    othersReadSeq: counts?.othersReadSeq ?? 0,
    createdAt: chat.createdAt.toISOString(),
    updatedAt: chat.updatedAt.toISOString(),
  };
};
