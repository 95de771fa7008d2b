import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { CallSettings, Permissions, Role } from '@messenger/contracts';
import type { MessageDoc } from '../messages/message.model.js';

export interface ParticipantDoc {
  user: string;
  role: Role;
  joinedAt: Date;
  addedBy: string | null;
  permissions: Permissions;
  ringMuted?: boolean;
}

export interface LastMessageDoc {
  id: string;
  senderId: string | null;
  kind: 'text' | 'system';
  text: string;
  system?: MessageDoc['system'];
  createdAt: Date;
}

/**
 * A chat as in the feature plan. Changes to participants are read-modify-write guarded by
 * `version` (an atomic conditional update of the one document): FerretDB has no transactions, and
 * this keeps maxMembers exact under concurrent adds.
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
  lastSeq: number;
  lastMessage: LastMessageDoc | null;
  lastActivityAt: Date;
  liveCallId: string | null;
  /**
   * The two furthest read positions of distinct members: whatever the viewer, the furthest another
   * member has read is among them (read ticks on the viewer's own messages).
   */
  topReads?: { user: string; seq: number }[];
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
    lastSeq: { type: Number, default: 0 },
    lastMessage: { type: Schema.Types.Mixed, default: null },
    lastActivityAt: { type: Date, default: Date.now, index: true },
    liveCallId: { type: String, default: null },
    topReads: { type: [{ _id: false, user: String, seq: Number }], default: [] },
    version: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'chats' },
);
schema.index({ 'participants.user': 1, lastActivityAt: -1 });

export const chatModel = (db: Connection): Model<ChatDoc> => db.model<ChatDoc>('Chat', schema);
