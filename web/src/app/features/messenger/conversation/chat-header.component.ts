import { Component, computed, inject, input, output } from '@angular/core';
import { LucideArrowLeft, LucideBellOff, LucideHistory, LucidePhone, LucideSettings, LucideUsers, LucideVideo } from '@lucide/angular';
import type { Chat } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { CallsStore } from '../../../core/calls/calls.store';
import { abilitiesIn } from '../../../core/chats/abilities';
import { TypingStore } from '../../../core/chats/typing.store';
import { I18n } from '../../../core/i18n/i18n.service';
import { PeopleStore } from '../../../core/people/people.store';
import { PresenceStore } from '../../../core/people/presence.store';
import { AvatarComponent } from '../../../shared/avatar.component';

/** The plan's Header: who or what this chat is, its state (members, presence, typing), and its actions. */
@Component({
  selector: 'app-chat-header',
  imports: [AvatarComponent, LucideArrowLeft, LucidePhone, LucideVideo, LucideUsers, LucideSettings, LucideHistory, LucideBellOff],
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
  readonly chat = input.required<Chat>();
  readonly membersOpen = input(false);
  readonly canEdit = input(false);
  readonly historyOpen = input(false);
  readonly back = output<void>();
  readonly toggleMembers = output<void>();
  readonly toggleHistory = output<void>();
  readonly openSettings = output<void>();

  private readonly peerId = computed(() => {
    const chat = this.chat();
    return chat.type === 'personal' ? (chat.participants.find((p) => p.user.id !== this.auth.user()?.id)?.user.id ?? null) : null;
  });
  /** I asked not to be rung here (groups only: a personal call always rings). */
  protected readonly ringMuted = computed(
    () => this.chat().type !== 'personal' && (this.chat().participants.find((p) => p.user.id === this.auth.user()?.id)?.ringMuted ?? false),
  );
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
    return this.i18n.plural('chat.members', chat.memberCount);
  });
  /** Why the call buttons are off, or null when a call can start (or the live one be joined). */
  protected readonly callBlocked = computed((): string | null => {
    if (this.calls.busy()) return this.i18n.t('call.connecting');
    if (this.calls.active()?.call.chatId === this.chat().id) return this.i18n.t('call.alreadyIn');
    if (!this.chat().liveCallId && !abilitiesIn(this.chat(), this.auth.user()?.id ?? '').can('startCall')) return this.i18n.t('call.notAllowed');
    return null;
  });

  protected call(type: 'audio' | 'video'): void {
    const chat = this.chat();
    this.calls.prepare(chat.id, type, chat.liveCallId);
  }

  protected readonly typingNow = computed(() => this.typing.typing(this.chat().id).length > 0);
}
