import { CdkMenu, CdkMenuItem, CdkMenuTrigger } from '@angular/cdk/menu';
import { Component, DestroyRef, computed, inject, input, output, signal } from '@angular/core';
import { LucideArrowLeft, LucideBell, LucideBellOff, LucideEllipsisVertical, LucideHistory, LucidePhone, LucidePhoneOff, LucideSearch, LucideSettings, LucideUsers, LucideVideo } from '@lucide/angular';
import { MUTED_FOREVER, type Chat, type MuteFor } from '@messenger/contracts';
import { ApiError } from '../../../core/api/api-error';
import { apiErrorText } from '../../../core/api/api-error-text';
import { AuthStore } from '../../../core/auth/auth.store';
import { CallsStore } from '../../../core/calls/calls.store';
import { abilitiesIn } from '../../../core/chats/abilities';
import { ChatsStore } from '../../../core/chats/chats.store';
import { TypingStore } from '../../../core/chats/typing.store';
import { I18n } from '../../../core/i18n/i18n.service';
import type { MessageKey } from '../../../core/i18n/ru';
import { isMuted, myMutedUntil } from '../../../core/notifications/mute';
import { PeopleStore } from '../../../core/people/people.store';
import { PresenceStore } from '../../../core/people/presence.store';
import { AvatarComponent } from '../../../shared/avatar.component';

const MUTE_OPTIONS = ['1h', '8h', 'forever'] as const satisfies readonly MuteFor[];
const FAILURE_SHOWN_MS = 5_000;

/**
 * The plan's Header: who or what this chat is, its state (members or subscribers, presence, typing), and its
 * actions; the "⋮" menu mutes the chat's notifications for me (kept on my membership by the server).
 */
@Component({
  selector: 'app-chat-header',
  imports: [
    AvatarComponent,
    CdkMenu,
    CdkMenuItem,
    CdkMenuTrigger,
    LucideArrowLeft,
    LucidePhone,
    LucidePhoneOff,
    LucideVideo,
    LucideUsers,
    LucideSettings,
    LucideHistory,
    LucideSearch,
    LucideBell,
    LucideBellOff,
    LucideEllipsisVertical,
  ],
  templateUrl: './chat-header.component.html',
  styleUrl: './chat-header.component.scss',
})
export class ChatHeaderComponent {
  protected readonly i18n = inject(I18n);
  private readonly auth = inject(AuthStore);
  private readonly presence = inject(PresenceStore);
  private readonly typing = inject(TypingStore);
  private readonly people = inject(PeopleStore);
  private readonly calls = inject(CallsStore);
  private readonly chats = inject(ChatsStore);
  readonly chat = input.required<Chat>();
  readonly membersOpen = input(false);
  readonly canEdit = input(false);
  readonly historyOpen = input(false);
  readonly back = output<void>();
  readonly toggleMembers = output<void>();
  readonly toggleHistory = output<void>();
  readonly openSettings = output<void>();
  readonly toggleSearch = output<void>();
  readonly searchOpen = input(false);

  private readonly peerId = computed(() => {
    const chat = this.chat();
    return chat.type === 'personal' ? (chat.participants.find((p) => p.user.id !== this.auth.user()?.id)?.user.id ?? null) : null;
  });
  /** I asked not to be rung here (groups only: a personal call always rings). */
  protected readonly ringMuted = computed(
    () => this.chat().type !== 'personal' && (this.chat().participants.find((p) => p.user.id === this.auth.user()?.id)?.ringMuted ?? false),
  );
  protected readonly muteOptions = MUTE_OPTIONS;
  protected readonly muteBusy = signal(false);
  protected readonly muteFailure = signal<string | null>(null);
  private failureTimer: ReturnType<typeof setTimeout> | null = null;
  /** My notification mute here (a past date is no mute). */
  protected readonly muted = computed(() => isMuted(this.chat(), this.auth.user()?.id ?? ''));
  protected readonly mutedState = computed(() => {
    const until = myMutedUntil(this.chat(), this.auth.user()?.id ?? '');
    if (!until || until === MUTED_FOREVER) return this.i18n.t('mute.forever.state');
    const today = this.i18n.day(until) === this.i18n.t('date.today');
    return this.i18n.t('mute.until', { when: today ? this.i18n.time(until) : `${this.i18n.day(until).toLocaleLowerCase()} ${this.i18n.time(until)}` });
  });

  protected readonly peerOnline = computed(() => {
    const peer = this.peerId();
    return peer ? this.presence.online(peer) : null;
  });

  protected readonly subtitle = computed(() => {
    const chat = this.chat();
    const typists = this.typing.typing(chat.id);
    if (typists.length) {
      if (chat.type === 'personal') return this.i18n.t('typing.one');
      const names = typists.map((id) => this.people.get(id)?.name ?? this.i18n.t('system.someone'));
      return names.length === 1 ? this.i18n.t('typing.named', { name: names[0]! }) : this.i18n.plural('typing.many', names.length);
    }
    const peer = this.peerId();
    if (peer) {
      const status = this.presence.status(peer);
      if (status?.online) return this.i18n.t('presence.online');
      if (status?.lastSeenAt) return this.i18n.t('presence.lastSeen', { when: `${this.i18n.day(status.lastSeenAt).toLocaleLowerCase()} ${this.i18n.time(status.lastSeenAt)}` });
      return this.i18n.t('presence.offline');
    }
    return this.i18n.plural(chat.type === 'channel' ? 'chat.subscribers' : 'chat.members', chat.memberCount);
  });
  /** Why the call buttons are off, or null when a call can start (or the live one be joined). */
  protected readonly callBlocked = computed((): string | null => {
    if (this.calls.busy()) return this.i18n.t('call.connecting');
    if (this.calls.active()?.call.chatId === this.chat().id) return this.i18n.t('call.alreadyIn');
    if (!this.chat().liveCallId && !abilitiesIn(this.chat(), this.auth.user()?.id ?? '').can('startCall')) return this.i18n.t('call.notAllowed');
    return null;
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      if (this.failureTimer) clearTimeout(this.failureTimer);
    });
  }

  protected muteLabel(option: (typeof MUTE_OPTIONS)[number]): MessageKey {
    return `mute.${option}`;
  }

  protected async mute(muteFor: MuteFor): Promise<void> {
    if (this.muteBusy()) return;
    this.muteBusy.set(true);
    this.muteFailure.set(null);
    try {
      await this.chats.mute(this.chat().id, muteFor);
    } catch (error) {
      this.muteFailure.set(this.i18n.t('mute.failed', { reason: apiErrorText(this.i18n, ApiError.from(error)) }));
      if (this.failureTimer) clearTimeout(this.failureTimer);
      this.failureTimer = setTimeout(() => this.muteFailure.set(null), FAILURE_SHOWN_MS);
    } finally {
      this.muteBusy.set(false);
    }
  }

  protected call(type: 'audio' | 'video'): void {
    const chat = this.chat();
    this.calls.prepare(chat.id, type, chat.liveCallId);
  }

  protected readonly typingNow = computed(() => this.typing.typing(this.chat().id).length > 0);
}
