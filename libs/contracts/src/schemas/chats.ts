import { z } from 'zod';
import { Id, IsoDate, noDirectionControls } from './common.js';
import { UserSummary } from './users.js';

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const cleanLine = (value: string) => !/[\u0000-\u001f\u007f]/.test(value) && value.isWellFormed();
// eslint-disable-next-line no-control-regex -- line breaks and tabs are fine in longer text
const cleanText = (value: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value) && value.isWellFormed();

export const ChatType = z.enum(['personal', 'group', 'channel']);
export const Role = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof Role>;

export const Permissions = z.object({
  canAddMembers: z.boolean(),
  canRemoveMembers: z.boolean(),
  canEditInfo: z.boolean(),
  canStartCall: z.boolean(),
});
export type Permissions = z.infer<typeof Permissions>;
export const DEFAULT_MEMBER_PERMISSIONS: Permissions = {
  canAddMembers: false,
  canRemoveMembers: false,
  canEditInfo: false,
  canStartCall: true,
};

/** Who is rung when a call starts: a choice of the group (everyone, admins only, or nobody: a silent notice). */
export const RingPolicy = z.enum(['everyone', 'admins', 'nobody']);
export const CallSettings = z.object({ muteAll: z.boolean(), onlyAdminsCanSpeak: z.boolean(), ring: RingPolicy });
export type CallSettings = z.infer<typeof CallSettings>;
export const DEFAULT_CALL_SETTINGS: CallSettings = { muteAll: false, onlyAdminsCanSpeak: false, ring: 'everyone' };

export const Participant = z.object({
  user: UserSummary,
  role: Role,
  joinedAt: IsoDate,
  addedBy: Id.nullable(),
  permissions: Permissions,
  /** The member's own "don't ring me in this chat": they still see the live call and can join. */
  ringMuted: z.boolean(),
  /** The member's own notification mute: until when (MUTED_FOREVER for "until I unmute"), null when not muted. */
  mutedUntil: IsoDate.nullable(),
});
export type Participant = z.infer<typeof Participant>;

export const SystemEvent = z.object({
  kind: z.enum([
    'chat.created',
    'member.added',
    'member.removed',
    'member.left',
    'member.role-changed',
    'member.permissions-changed',
    'chat.info-edited',
    'owner.transferred',
    'call.ended',
  ]),
  actorId: Id.nullable(),
  targetIds: z.array(Id),
  details: z.record(z.string(), z.unknown()).optional(),
});
export const MessagePreview = z.object({
  id: Id,
  senderId: Id.nullable(),
  kind: z.enum(['text', 'system']),
  text: z.string(),
  /** What a system line says happened, so a list can word it in the reader's language. */
  system: SystemEvent.nullable(),
  createdAt: IsoDate,
  /** The last message was deleted: the list says so instead of its text. */
  deleted: z.boolean(),
});

export const Chat = z.object({
  id: Id,
  type: ChatType,
  /** For a personal chat: the other person's name. */
  name: z.string(),
  description: z.string(),
  avatarUrl: z.string().nullable(),
  participants: z.array(Participant),
  memberCount: z.number().int(),
  createdBy: Id,
  maxMembers: z.number().int(),
  callSettings: CallSettings,
  lastMessage: MessagePreview.nullable(),
  unreadCount: z.number().int(),
  liveCallId: z.string().nullable(),
  /** The furthest message another member has read: the viewer's own messages up to it show as read. */
  othersReadSeq: z.number().int(),
  /** Unread messages that mention the viewer (the "@" badge, counted apart from unreadCount). */
  mentionCount: z.number().int(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type Chat = z.infer<typeof Chat>;

export const ChatName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine(cleanLine, 'must not contain control characters or broken Unicode')
  .refine(noDirectionControls, 'must not contain text-direction override characters');
export const ChatDescription = z.string().trim().max(500).refine(cleanText, 'must not contain control characters or broken Unicode');

export const ChatIdParams = z.strictObject({ chatId: Id });
export const MemberParams = z.strictObject({ chatId: Id, userId: Id });

export const CreatePersonalBody = z.strictObject({ userId: Id });
export const CreateGroupBody = z.strictObject({
  type: z.enum(['group', 'channel']),
  name: ChatName,
  description: ChatDescription.optional(),
  memberIds: z.array(Id).min(1).max(1000),
});
export const UpdateChatBody = z
  .strictObject({
    name: ChatName.optional(),
    description: ChatDescription.optional(),
    callSettings: CallSettings.partial().strict().optional(),
  })
  .refine((body) => body.name !== undefined || body.description !== undefined || body.callSettings !== undefined, 'nothing to update');
export const AddMembersBody = z.strictObject({ userIds: z.array(Id).min(1).max(100) });
/** "Until I unmute", as Telegram keeps it: a date no one reaches. */
export const MUTED_FOREVER = '9999-12-31T23:59:59.000Z';
/** How long a member mutes a chat's notifications for; `off` unmutes. Mentions still notify. */
export const MuteFor = z.enum(['1h', '8h', 'forever', 'off']);
export type MuteFor = z.infer<typeof MuteFor>;
export const UpdateMemberBody = z
  .strictObject({
    role: z.enum(['admin', 'member']).optional(),
    permissions: Permissions.partial().strict().optional(),
    ringMuted: z.boolean().optional(),
    muteFor: MuteFor.optional(),
  })
  .refine(
    (body) => body.role !== undefined || body.permissions !== undefined || body.ringMuted !== undefined || body.muteFor !== undefined,
    'nothing to update',
  );
export const TransferOwnerBody = z.strictObject({ userId: Id });

export const ChatList = z.object({ items: z.array(Chat), nextCursor: z.string().nullable() });

export const MessageText = z
  .string()
  .min(1)
  .max(4000)
  .refine(cleanText, 'must not contain control characters or broken Unicode')
  .refine((v) => v.trim().length > 0, 'must not be blank');
/** What a reply quotes: the original's author and first line, or that it was deleted. */
export const ReplyRef = z.object({
  id: Id,
  seq: z.number().int(),
  senderId: Id.nullable(),
  /** The original's first line, cut to 100 characters; empty once it is deleted. */
  text: z.string(),
  deleted: z.boolean(),
});
export type ReplyRef = z.infer<typeof ReplyRef>;

/** One emoji's reactions on a message, in the order people first reacted with it. */
export const Reaction = z.object({ emoji: z.string(), userIds: z.array(Id) });
export type Reaction = z.infer<typeof Reaction>;

/** A file sent with a message. `url` downloads it (members only, signed); images have a thumbnail and their size. */
export const Attachment = z.object({
  id: Id,
  name: z.string(),
  size: z.number().int(),
  contentType: z.string(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  thumbnailUrl: z.string().nullable(),
  url: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;

export const Message = z.object({
  id: Id,
  chatId: Id,
  seq: z.number().int(),
  senderId: Id.nullable(),
  kind: z.enum(['text', 'system']),
  /** Empty for a deleted message. */
  text: z.string(),
  system: SystemEvent.nullable(),
  clientId: z.string().nullable(),
  createdAt: IsoDate,
  /** When the author last edited the text; the history keeps the latest text only. */
  editedAt: IsoDate.nullable(),
  /** A deleted message stays in its place as a "message deleted" line: no text, no attachments, no reactions. */
  deletedAt: IsoDate.nullable(),
  replyTo: ReplyRef.nullable(),
  reactions: z.array(Reaction),
  attachments: z.array(Attachment),
  /** Members this message mentions by @username. */
  mentions: z.array(Id),
});
export type Message = z.infer<typeof Message>;

/** Files per message, and distinct emoji per message. */
export const MESSAGE_LIMITS = { attachments: 10, reactionEmoji: 20 } as const;

const ClientId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
export const SendMessageFields = z.strictObject({
  text: z.string().max(4000).default(''),
  clientId: ClientId.optional(),
  replyToId: Id.optional(),
  attachmentIds: z.array(Id).min(1).max(MESSAGE_LIMITS.attachments).optional(),
});
/** A message may be files alone; otherwise it needs text (MessageText's rules, reported on `text`). */
export const messageContent = (body: { text: string; attachmentIds?: string[] | undefined }, ctx: z.RefinementCtx): void => {
  if (body.attachmentIds?.length && body.text === '') return;
  const text = MessageText.safeParse(body.text);
  if (!text.success) for (const issue of text.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['text'] });
};
export const SendMessageBody = SendMessageFields.superRefine(messageContent);
export const EditMessageBody = z.strictObject({ text: MessageText });
export const MessageParams = z.strictObject({ chatId: Id, messageId: Id });

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
// Built at run time: the `v` flag (Unicode sets, needed for RGI_Emoji) is newer than the compile target.
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
/** One emoji from Unicode's recommended set (a flag, a skin tone and a ZWJ family each count as one). */
export const Emoji = z
  .string()
  .min(1)
  .max(64)
  .refine((value) => [...graphemes.segment(value)].length === 1 && RGI_EMOJI.test(value), 'must be one emoji');
export const ReactionParams = z.strictObject({ chatId: Id, messageId: Id, emoji: Emoji });
export const MessageReactions = z.object({ chatId: Id, messageId: Id, reactions: z.array(Reaction) });
export type MessageReactions = z.infer<typeof MessageReactions>;
export const MessageDeleted = z.object({ chatId: Id, messageId: Id, seq: z.number().int() });

export const SearchQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).refine(cleanLine, 'must not contain control characters'),
  cursor: z.string().regex(/^\d+$/).max(20).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
/** Newest first; `nextCursor` continues further back. */
export const SearchPage = z.object({ items: z.array(Message), nextCursor: z.string().nullable() });

export const HistoryQuery = z.strictObject({
  before: z.coerce.number().int().min(1).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const MessagePage = z.object({ items: z.array(Message), nextCursor: z.string().nullable() });
export const ReadBody = z.strictObject({ messageId: Id });
export const ReadState = z.object({ chatId: Id, userId: Id, seq: z.number().int(), unreadCount: z.number().int() });
export type ReadState = z.infer<typeof ReadState>;

/** What the calls service asks before every call action. */
export const MembershipRequest = z.strictObject({ chatId: Id, userId: Id });
export const Membership = z.object({
  chatId: Id,
  chatType: ChatType,
  chatName: z.string(),
  role: Role,
  permissions: Permissions,
  callSettings: CallSettings,
  memberIds: z.array(Id),
  /** Owner and admins: who is rung under the `admins` ring policy, and who may end a call for all. */
  adminIds: z.array(Id),
  /** Members who asked not to be rung in this chat. */
  ringMutedIds: z.array(Id),
});
export type Membership = z.infer<typeof Membership>;

/** The default most an attachment may weigh (ATTACHMENT_MAX_BYTES at the gateway changes it). */
export const ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;
export const AttachmentUpload = z.strictObject({
  chatId: Id,
  file: z.base64(),
  filename: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .refine(cleanLine, 'must not contain control characters')
    .refine(noDirectionControls, 'must not contain text-direction override characters'),
  /** What the uploader says it is; the service trusts the bytes, not this. */
  contentType: z.string().max(255).optional(),
});
export const AttachmentParams = z.strictObject({ chatId: Id, attachmentId: Id });
export const AttachmentUploadQuery = z.strictObject({ filename: z.string().min(1).max(255) });
/** An attachment URL is a capability, like a chat avatar's: `sig` proves a member was handed it. */
export const AttachmentQuery = z.strictObject({
  exp: z.coerce.number().int().min(0),
  sig: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});

export const ChatAvatarUpload = z.strictObject({ chatId: Id, image: z.base64().max(Math.ceil((5 * 1024 * 1024 * 4) / 3) + 4) });
/** A chat avatar URL is a capability: `sig` proves a member was handed it (an <img> tag sends no token). */
export const ChatAvatarQuery = z.strictObject({
  v: z.coerce.number().int().min(1),
  /** Unix seconds after which the signed URL no longer opens the picture. */
  exp: z.coerce.number().int().min(0),
  sig: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});
