import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { CallSettings, Permissions, Role } from '@messenger/contracts';

export interface ParticipantDoc {
  user: string;
  role: Role;
  joinedAt: Date;
  addedBy: string | null;
  permissions: Permissions;
  ringMuted?: boolean;
  /** Notifications muted until then (MUTED_FOREVER: until unmuted); the member's own choice. */
  mutedUntil?: Date | null;
}

/**
 * A chat as in the feature plan: its rules and members. Changes are made under the chat's Redis lock
 * (ChatState) and guarded by `version` as well. What moves with every message (its counter, the preview,
 * read positions) is not here: it lives in Redis (ChatCounters), so a send never updates this document.
 */
export interface ChatDoc {
  _id: Types.ObjectId;
  type: 'personal' | 'group' | 'channel';
  name: string;
  description: string;
  avatarVersion: number | null;
  participants: ParticipantDoc[];
  memberCount: number;
  createdBy: string;
  maxMembers: number;
  callSettings: CallSettings;
  /** Unique: the sorted user pair for personal chats, so a pair always gets the same chat; `g:<id>` otherwise. */
  pairKey: string;
  liveCallId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const permissions = {
  canAddMembers: { type: Boolean, default: false },
  canRemoveMembers: { type: Boolean, default: false },
  canEditInfo: { type: Boolean, default: false },
  canStartCall: { type: Boolean, default: true },
};

const schema = new Schema<ChatDoc>(
  {
    type: { type: String, enum: ['personal', 'group', 'channel'], required: true },
    name: { type: String, default: '' },
    description: { type: String, default: '' },
    avatarVersion: { type: Number, default: null },
    participants: [
      {
        _id: false,
        user: { type: String, required: true },
        role: { type: String, enum: ['owner', 'admin', 'member'], default: 'member' },
        joinedAt: { type: Date, default: Date.now },
        addedBy: { type: String, default: null },
        permissions,
        ringMuted: { type: Boolean, default: false },
        mutedUntil: { type: Date, default: null },
      },
    ],
    memberCount: { type: Number, required: true },
    createdBy: { type: String, required: true },
    maxMembers: { type: Number, default: 100 },
    callSettings: {
      muteAll: { type: Boolean, default: false },
      onlyAdminsCanSpeak: { type: Boolean, default: false },
      ring: { type: String, enum: ['everyone', 'admins', 'nobody'], default: 'everyone' },
    },
    pairKey: { type: String, required: true, unique: true },
    liveCallId: { type: String, default: null },
    version: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'chats' },
);
schema.index({ 'participants.user': 1 });
schema.index({ updatedAt: -1 });

export const chatModel = (db: Connection): Model<ChatDoc> => db.model<ChatDoc>('Chat', schema);
