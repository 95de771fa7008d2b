import type { Attachment, Message } from '@messenger/contracts';
import type { MessageDoc, StoredAttachment, StoredReply } from './message.model.js';
import { mapSystemEvent } from './system-event-view.js';

/**
 * A message as Redis and the store keep it: its files without URLs (signed URLs expire, so they are made when
 * served) and its reply's quote without the "deleted" flag (looked up when served, since the original can be
 * deleted after the reply was sent).
 */
export type StoredMessage = Omit<Message, 'attachments' | 'replyTo'> & {
  attachments: StoredAttachment[];
  replyTo: StoredReply | null;
};

export const storedMessage = (m: MessageDoc): StoredMessage => ({
  id: m._id.toHexString(),
  chatId: m.chatId.toHexString(),
  seq: m.seq,
  senderId: m.senderId,
  kind: m.kind,
  text: m.text,
  system: mapSystemEvent(m.system),
  clientId: m.clientId,
  createdAt: m.createdAt.toISOString(),
  editedAt: m.editedAt ? m.editedAt.toISOString() : null,
  deletedAt: m.deletedAt ? m.deletedAt.toISOString() : null,
  replyTo: m.replyTo ?? null,
  reactions: m.reactions ?? [],
  attachments: m.attachments ?? [],
  mentions: m.mentions ?? [],
});

/** Reads a stored message's JSON; entries written before a field existed get its empty value. */
export const parseStored = (json: string): StoredMessage => {
  const m = JSON.parse(json) as Partial<StoredMessage> & Pick<StoredMessage, 'id' | 'chatId' | 'seq'>;
  return {
    senderId: null,
    kind: 'text',
    text: '',
    system: null,
    clientId: null,
    createdAt: new Date(0).toISOString(),
    ...m,
    editedAt: m.editedAt ?? null,
    deletedAt: m.deletedAt ?? null,
    replyTo: m.replyTo ?? null,
    reactions: m.reactions ?? [],
    attachments: m.attachments ?? [],
    mentions: m.mentions ?? [],
  };
};

/** What serving needs besides the message: which quoted originals are deleted, and how a file becomes its URLs. */
export interface ViewContext {
  deletedSeqs: ReadonlySet<number>;
  attachmentView: (chatId: string, attachment: StoredAttachment) => Attachment;
}

export const messageView = (m: StoredMessage, context: ViewContext): Message => ({
  ...m,
  replyTo: m.replyTo
    ? context.deletedSeqs.has(m.replyTo.seq)
      ? { ...m.replyTo, text: '', deleted: true }
      : { ...m.replyTo, deleted: false }
    : null,
  attachments: m.attachments.map((a) => context.attachmentView(m.chatId, a)),
});

/** The fields an edit, a deletion or a reaction changes: what the store is brought up to date with. */
export const changedFields = (m: StoredMessage) => ({
  text: m.text,
  editedAt: m.editedAt ? new Date(m.editedAt) : null,
  deletedAt: m.deletedAt ? new Date(m.deletedAt) : null,
  reactions: m.reactions,
  attachments: m.attachments,
  mentions: m.mentions,
});
