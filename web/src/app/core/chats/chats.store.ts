import { DOCUMENT, Injectable, computed, effect, inject, signal } from '@angular/core';
import type { Chat, Message, MuteFor, Participant } from '@messenger/contracts';
import { Api } from '../api/api.service';
import { AuthStore } from '../auth/auth.store';
import { myMutedUntil, mutedUntilFor, withMutedUntil } from '../notifications/mute';
import { PeopleStore } from '../people/people.store';
import { Realtime } from '../realtime/realtime.service';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

/** Why a chat left the list while it was open, so the conversation can say so. */
export type Departure = { chatId: string; reason: 'removed' | 'deleted' };

const activity = (chat: Chat): string => chat.lastMessage?.createdAt ?? chat.updatedAt;

/**
 * The chat list: every chat the user is in, kept current by pushes and re-fetched after every
 * (re)connection, so a missed push costs nothing. Messages live in MessagesStore; this keeps the
 * summary a list row needs (last message, unread count, live call).
 */
@Injectable({ providedIn: 'root' })
export class ChatsStore {
  private readonly api = inject(Api);
  private readonly auth = inject(AuthStore);
  private readonly realtime = inject(Realtime);
  private readonly people = inject(PeopleStore);
  private readonly document = inject(DOCUMENT);
  private readonly byId = signal<ReadonlyMap<string, Chat>>(new Map());
  readonly state = signal<LoadState>('idle');
  readonly filter = signal('');
  /** The chat on screen: its new messages are read as they arrive. */
  readonly activeId = signal<string | null>(null);
  readonly departure = signal<Departure | null>(null);

  readonly all = computed(() => [...this.byId().values()].sort((a, b) => activity(b).localeCompare(activity(a))));
  readonly visible = computed(() => {
    const query = this.filter().trim().toLocaleLowerCase();
    if (!query) return this.all();
    return this.all().filter((chat) => chat.name.toLocaleLowerCase().includes(query) || chat.participants.some((p) => p.user.username.startsWith(query)));
  });
  readonly active = computed(() => {
    const id = this.activeId();
    return id ? (this.byId().get(id) ?? null) : null;
  });
  readonly totalUnread = computed(() => this.all().reduce((sum, chat) => sum + chat.unreadCount, 0));

  constructor() {
    effect(() => {
      if (this.auth.status() !== 'signed-out') return;
      this.byId.set(new Map());
      this.state.set('idle');
      this.activeId.set(null);
      this.departure.set(null);
    });
    this.realtime.resynced$.subscribe(() => void this.load());
    this.realtime.on('chat.created', (chat) => this.upsert(chat));
    this.realtime.on('chat.updated', (chat) => this.upsert(chat));
    this.realtime.on('chat.deleted', ({ chatId }) => this.drop(chatId, 'deleted'));
    this.realtime.on('chat.member.removed', ({ chatId, userIds }) => {
      if (userIds.includes(this.me())) this.drop(chatId, 'removed');
      else this.patch(chatId, (chat) => withoutMembers(chat, userIds));
    });
    this.realtime.on('chat.member.added', ({ chatId }) => void this.refresh(chatId));
    this.realtime.on('chat.member.updated', ({ chatId, userId, role, permissions }) =>
      this.patch(chatId, (chat) => ({ ...chat, participants: chat.participants.map((p) => (p.user.id === userId ? { ...p, role, permissions } : p)) })),
    );
    this.realtime.on('message.created', (message) => this.noteMessage(message));
    this.realtime.on('message.updated', (message) => {
      if (message.deletedAt) this.noteDeleted(message.chatId, message.id);
      else this.patchPreview(message.chatId, message.id, (last) => ({ ...last, text: message.text }));
    });
    this.realtime.on('message.deleted', ({ chatId, messageId }) => this.noteDeleted(chatId, messageId));
    this.realtime.on('message.read', ({ chatId, userId, seq, unreadCount }) => {
      if (userId === this.me()) this.setUnread(chatId, unreadCount);
      else this.patch(chatId, (chat) => ({ ...chat, othersReadSeq: Math.max(chat.othersReadSeq, seq) }));
    });
    this.realtime.on('user.updated', (user) =>
      this.byId.update((chats) => {
        const next = new Map(chats);
        for (const [id, chat] of chats) {
          if (!chat.participants.some((p) => p.user.id === user.id)) continue;
          const summary = { id: user.id, username: user.username, name: user.name, avatarUrl: user.avatarUrl };
          const renamed = chat.type === 'personal' && user.id !== this.me() ? { name: user.name, avatarUrl: user.avatarUrl } : {};
          next.set(id, { ...chat, ...renamed, participants: chat.participants.map((p) => (p.user.id === user.id ? { ...p, user: summary } : p)) });
        }
        return next;
      }),
    );
    for (const type of ['call.incoming', 'call.updated'] as const)
      this.realtime.on(type, (data) => {
        const call = 'call' in data ? data.call : data;
        if (call.status !== 'ended') this.patch(call.chatId, (chat) => ({ ...chat, liveCallId: call.id }));
      });
    this.realtime.on('call.ended', (call) => this.patch(call.chatId, (chat) => (chat.liveCallId === call.id ? { ...chat, liveCallId: null } : chat)));
  }

  get(chatId: string): Chat | null {
    return this.byId().get(chatId) ?? null;
  }

  async load(): Promise<void> {
    if (this.state() !== 'ready') this.state.set('loading');
    try {
      const page = await this.api.chats();
      for (const chat of page.items) this.people.remember(chat.participants.map((p) => p.user));
      this.byId.set(new Map(page.items.map((chat) => [chat.id, chat])));
      this.state.set('ready');
    } catch {
      // A list shown before stays on screen; only a first load turns into an error state.
      if (this.state() !== 'ready') this.state.set('error');
    }
  }

  /** Fetches one chat (e.g. opened by link before the list arrived); a 404 means it is not ours. */
  async refresh(chatId: string): Promise<Chat | null> {
    try {
      const chat = await this.api.chat(chatId);
      this.upsert(chat);
      return chat;
    } catch {
      return null;
    }
  }

  upsert(chat: Chat): void {
    this.people.remember(chat.participants.map((p) => p.user));
    this.byId.update((chats) => new Map(chats).set(chat.id, chat));
  }

  /**
   * My unread count as the server counted it after a read. Mentions are among the unread: all read, none
   * left; partly read, at most as many as remain (the next list load brings the server's exact count).
   */
  setUnread(chatId: string, unreadCount: number): void {
    this.patch(chatId, (chat) => ({ ...chat, unreadCount, mentionCount: Math.min(chat.mentionCount ?? 0, unreadCount) }));
  }

  /**
   * Mutes my notifications from the chat for a while, for good, or unmutes (`off`). The list shows it at
   * once; the server's answer replaces it, and a refusal puts back what was there and is thrown on.
   */
  async mute(chatId: string, muteFor: MuteFor): Promise<void> {
    const before = this.get(chatId);
    const me = this.me();
    if (!before || !me) return;
    this.upsert(withMutedUntil(before, me, mutedUntilFor(muteFor)));
    try {
      this.upsert(await this.api.updateMember(chatId, me, { muteFor }));
    } catch (error) {
      this.patch(chatId, (chat) => withMutedUntil(chat, me, myMutedUntil(before, me)));
      throw error;
    }
  }

  forget(chatId: string): void {
    this.byId.update((chats) => {
      const next = new Map(chats);
      next.delete(chatId);
      return next;
    });
  }

  private drop(chatId: string, reason: Departure['reason']): void {
    if (!this.byId().has(chatId)) return;
    this.forget(chatId);
    if (this.activeId() === chatId) this.departure.set({ chatId, reason });
  }

  private noteMessage(message: Message): void {
    const mine = message.senderId === this.me();
    // A mention in the chat on screen is read as it arrives; one in a background tab waits like any unread.
    const seen = this.activeId() === message.chatId && this.document.visibilityState === 'visible';
    const mentioned = !mine && !seen && (message.mentions ?? []).includes(this.me());
    this.patch(message.chatId, (chat) => ({
      ...chat,
      lastMessage: {
        id: message.id,
        senderId: message.senderId,
        kind: message.kind,
        text: message.text,
        system: message.system,
        createdAt: message.createdAt,
        deleted: !!message.deletedAt,
      },
      unreadCount: mine ? chat.unreadCount : chat.unreadCount + 1,
      mentionCount: (chat.mentionCount ?? 0) + (mentioned ? 1 : 0),
      // Whoever writes has read everything before their message.
      othersReadSeq: mine || !message.senderId ? chat.othersReadSeq : Math.max(chat.othersReadSeq, message.seq),
    }));
  }

  /** Changes the chat's preview when `messageId` is its last message (an older message's edit changes no row). */
  private patchPreview(chatId: string, messageId: string, change: (last: NonNullable<Chat['lastMessage']>) => NonNullable<Chat['lastMessage']>): void {
    const last = this.get(chatId)?.lastMessage;
    if (last?.id === messageId) this.patch(chatId, (chat) => ({ ...chat, lastMessage: change(last) }));
  }

  private noteDeleted(chatId: string, messageId: string): void {
    this.patchPreview(chatId, messageId, (last) => ({ ...last, text: '', deleted: true }));
  }

  private patch(chatId: string, change: (chat: Chat) => Chat): void {
    const chat = this.byId().get(chatId);
    if (chat) this.upsert(change(chat));
  }

  private me(): string {
    return this.auth.user()?.id ?? '';
  }
}

const withoutMembers = (chat: Chat, userIds: string[]): Chat => {
  const participants: Participant[] = chat.participants.filter((p) => !userIds.includes(p.user.id));
  return { ...chat, participants, memberCount: participants.length };
};
