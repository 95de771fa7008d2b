import { Component, effect, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { LucideBellOff, LucideBellRing, LucidePhone } from '@lucide/angular';
import type { Chat } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { ChatsStore } from '../../../core/chats/chats.store';
import { I18n } from '../../../core/i18n/i18n.service';
import { isMuted } from '../../../core/notifications/mute';
import { Notifications } from '../../../core/notifications/notifications.service';
import { PeopleStore } from '../../../core/people/people.store';
import { PresenceStore } from '../../../core/people/presence.store';
import { AvatarComponent } from '../../../shared/avatar.component';
import { systemText } from '../system-text';

/**
 * The chat rows: picture with presence, name, last message with its time, unread count (grey when I muted
 * the chat), "@" when someone mentioned me, live call; above them, the offer to turn on notifications.
 */
@Component({
  selector: 'app-chat-list',
  imports: [RouterLink, AvatarComponent, LucidePhone, LucideBellOff, LucideBellRing],
  templateUrl: './chat-list.component.html',
  styleUrl: './chat-list.component.scss',
})
export class ChatListComponent {
  protected readonly i18n = inject(I18n);
  protected readonly chats = inject(ChatsStore);
  protected readonly presence = inject(PresenceStore);
  protected readonly notifications = inject(Notifications);
  private readonly people = inject(PeopleStore);
  private readonly auth = inject(AuthStore);

  constructor() {
    effect(() => this.presence.watch(this.chats.all().flatMap((chat) => (chat.type === 'personal' ? [this.peerOf(chat)] : [])).filter(Boolean)));
  }

  protected peerOf(chat: Chat): string {
    return chat.participants.find((p) => p.user.id !== this.auth.user()?.id)?.user.id ?? '';
  }

  protected peerOnline(chat: Chat): boolean | null {
    return chat.type === 'personal' ? this.presence.online(this.peerOf(chat)) : null;
  }

  protected muted(chat: Chat): boolean {
    return isMuted(chat, this.auth.user()?.id ?? '');
  }

  protected mentions(chat: Chat): number {
    return chat.mentionCount ?? 0;
  }

  protected preview(chat: Chat): string {
    const last = chat.lastMessage;
    if (!last) return this.i18n.t('chats.noMessages');
    if (last.deleted) return this.i18n.t('chats.deleted');
    const me = this.auth.user()?.id ?? '';
    if (last.kind === 'system' && last.system) return systemText(this.i18n, this.people, me, last.system, last.text);
    if (last.senderId === me) return this.i18n.t('chats.youSaid', { text: last.text });
    // A group names who wrote; a channel speaks as itself.
    if (chat.type === 'group' && last.senderId) {
      const sender = this.people.get(last.senderId)?.name;
      if (sender) return `${sender}: ${last.text}`;
    }
    return last.text;
  }
}
