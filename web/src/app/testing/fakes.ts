import { signal } from '@angular/core';
import type { Chat, Message, Participant, Role, ServerFrame, ServerFrameType, User } from '@messenger/contracts';
import { Subject } from 'rxjs';
import type { ConnectionState } from '../core/realtime/realtime.service';

/** Stands in for the WebSocket service: tests push frames and re-syncs by hand. */
export class FakeRealtime {
  readonly state = signal<ConnectionState>('online');
  readonly frames$ = new Subject<ServerFrame>();
  readonly resynced$ = new Subject<void>();
  readonly sent: unknown[] = [];

  on<T extends ServerFrameType>(type: T, handler: (data: ServerFrame<T>['data']) => void): () => void {
    const subscription = this.frames$.subscribe((frame) => {
      if (frame.type === type) handler(frame.data as ServerFrame<T>['data']);
    });
    return () => subscription.unsubscribe();
  }

  push<T extends ServerFrameType>(type: T, data: ServerFrame<T>['data']): void {
    this.frames$.next({ type, data } as ServerFrame);
  }

  send(frame: unknown): void {
    this.sent.push(frame);
  }
}

let counter = 0;
/** A 24-hex id, distinct per call. */
export const newId = (): string => (++counter).toString(16).padStart(24, 'a');

export const aUser = (name: string, id = newId()): User => ({
  id,
  username: name.toLowerCase().replace(/[^a-z0-9_]/g, '_'),
  name,
  bio: '',
  avatarUrl: null,
  createdAt: '2026-11-01T10:00:00.000Z',
});

export const aMember = (user: User, role: Role = 'member', flags: Partial<Participant['permissions']> = {}): Participant => ({
  user: { id: user.id, username: user.username, name: user.name, avatarUrl: user.avatarUrl },
  role,
  joinedAt: '2026-11-01T10:00:00.000Z',
  addedBy: null,
  permissions: { canAddMembers: false, canRemoveMembers: false, canEditInfo: false, canStartCall: true, ...flags },
  ringMuted: false,
  mutedUntil: null,
});

export const aChat = (participants: Participant[], overrides: Partial<Chat> = {}): Chat => ({
  id: newId(),
  type: 'group',
  name: 'Книжный клуб',
  description: '',
  avatarUrl: null,
  participants,
  memberCount: participants.length,
  createdBy: participants[0]?.user.id ?? newId(),
  maxMembers: 100,
  callSettings: { muteAll: false, onlyAdminsCanSpeak: false, ring: 'everyone' },
  lastMessage: null,
  unreadCount: 0,
  liveCallId: null,
  othersReadSeq: 0,
  mentionCount: 0,
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
  ...overrides,
});

export const aMessage = (chatId: string, seq: number, senderId: string | null, text = `message ${seq}`, clientId: string | null = null): Message => ({
  id: newId(),
  chatId,
  seq,
  senderId,
  kind: 'text',
  text,
  system: null,
  clientId,
  createdAt: new Date(Date.UTC(2026, 10, 25, 10, seq)).toISOString(),
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  reactions: [],
  attachments: [],
  mentions: [],
});
