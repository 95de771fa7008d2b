import { Component, computed, effect, inject, signal } from '@angular/core';
import { Router, RouterOutlet } from '@angular/router';
import { LucideMenu, LucidePlus, LucideSearch } from '@lucide/angular';
import type { Chat } from '@messenger/contracts';
import { AuthStore } from '../../core/auth/auth.store';
import { ChatsStore } from '../../core/chats/chats.store';
import { I18n } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/ru';
import { Notifications } from '../../core/notifications/notifications.service';
import { Realtime } from '../../core/realtime/realtime.service';
import { AvatarComponent } from '../../shared/avatar.component';
import { CallLayerComponent } from '../calls/call-layer.component';
import { ProfileDialogComponent } from '../profile/profile-dialog.component';
import { ProfileService } from '../profile/profile.service';
import { ChatListComponent } from './chat-list/chat-list.component';
import { CreateGroupModalComponent } from './modals/create-group-modal.component';
import { MenuModalComponent } from './modals/menu-modal.component';
import { NewChatModalComponent } from './modals/new-chat-modal.component';

type Dialog = 'menu' | 'create-group' | 'new-chat' | 'profile' | null;

/**
 * The signed-in screen: the chat list on the left, the open conversation on the right. Below 720 px
 * one of the two fills the screen, like a phone messenger.
 */
@Component({
  selector: 'app-messenger',
  imports: [RouterOutlet, CallLayerComponent, ChatListComponent, AvatarComponent, MenuModalComponent, CreateGroupModalComponent, NewChatModalComponent, ProfileDialogComponent, LucideMenu, LucidePlus, LucideSearch],
  templateUrl: './messenger.component.html',
  styleUrl: './messenger.component.scss',
})
export class MessengerComponent {
  protected readonly i18n = inject(I18n);
  protected readonly auth = inject(AuthStore);
  protected readonly chats = inject(ChatsStore);
  protected readonly realtime = inject(Realtime);
  private readonly router = inject(Router);
  // Started with the signed-in screen: notifications and the tab title follow the chats from here on,
  // and my profile follows pushes about me.
  private readonly notifications = inject(Notifications);
  private readonly profile = inject(ProfileService);
  protected readonly dialog = signal<Dialog>(null);
  protected readonly connectionLabel = computed((): MessageKey => `realtime.${this.realtime.state()}`);

  constructor() {
    // The socket's first "ready" loads the list too; this covers a slow or failing socket.
    effect(() => {
      if (this.auth.signedIn() && this.chats.state() === 'idle') void this.chats.load();
    });
  }

  protected async opened(chat: Chat): Promise<void> {
    this.dialog.set(null);
    await this.router.navigate(['/chats', chat.id]);
  }

  protected async signOut(): Promise<void> {
    this.dialog.set(null);
    await this.auth.signOut();
    await this.router.navigateByUrl('/sign-in');
  }
}
