import { Types } from 'mongoose';
import type { CallSettings, ChatStateRecord, Permissions } from '@messenger/contracts';
import type { ChatDoc } from './chat.model.js';

/** The permission flags alone: a stored participant may carry more fields than the contract allows out. */
export const plainPermissions = (p: Permissions): Permissions => ({
  canAddMembers: p.canAddMembers,
  canRemoveMembers: p.canRemoveMembers,
  canEditInfo: p.canEditInfo,
  canStartCall: p.canStartCall,
});

export const plainCallSettings = (c: CallSettings): CallSettings => ({
  muteAll: c.muteAll,
  onlyAdminsCanSpeak: c.onlyAdminsCanSpeak,
  ring: c.ring,
});

/** A cached chat as it travels between replicas (ids and dates as strings). */
export const toRecord = (chat: ChatDoc): ChatStateRecord => ({
  id: chat._id.toHexString(),
  type: chat.type,
  name: chat.name,
  description: chat.description,
  avatarVersion: chat.avatarVersion ?? null,
  participants: chat.participants.map((p) => ({
    user: p.user,
    role: p.role,
    joinedAt: new Date(p.joinedAt).toISOString(),
    addedBy: p.addedBy,
    permissions: plainPermissions(p.permissions),
    ringMuted: p.ringMuted ?? false,
    mutedUntil: p.mutedUntil ? new Date(p.mutedUntil).toISOString() : null,
  })),
  memberCount: chat.memberCount,
  createdBy: chat.createdBy,
  maxMembers: chat.maxMembers,
  callSettings: plainCallSettings(chat.callSettings),
  pairKey: chat.pairKey,
  liveCallId: chat.liveCallId ?? null,
  version: chat.version,
  createdAt: new Date(chat.createdAt).toISOString(),
  updatedAt: new Date(chat.updatedAt).toISOString(),
});

export const fromRecord = ({ id, ...record }: ChatStateRecord): ChatDoc => ({
  ...record,
  _id: new Types.ObjectId(id),
  participants: record.participants.map((p) => ({
    ...p,
    joinedAt: new Date(p.joinedAt),
    mutedUntil: p.mutedUntil ? new Date(p.mutedUntil) : null,
  })),
  createdAt: new Date(record.createdAt),
  updatedAt: new Date(record.updatedAt),
});
