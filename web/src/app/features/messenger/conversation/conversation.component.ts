import { Component, computed, effect, inject, input, OnDestroy, signal, untracked } from '@angular/core';
import { Router } from '@angular/router';
import { AuthStore } from '../../../core/auth/auth.store';
import { CallsStore } from '../../../core/calls/calls.store';
import { abilitiesIn } from '../../../core/chats/abilities';
import { ChatsStore } from '../../../core/chats/chats.store';
import { MessagesStore } from '../../../core/chats/messages.store';
import { I18n } from '../../../core/i18n/i18n.service';
import { CallHistoryPanelComponent } from '../call-history/call-history-panel.component';
import { GroupSettingsComponent } from '../settings/group-settings.component';
import { MembersPanelComponent } from '../members/members-panel.component';
import { ChatHeaderComponent } from './chat-header.component';
import { UploadsStore } from './attachments/uploads.store';
import { ComposerComponent } from './composer.component';
import { MessageListComponent } from './message-list.component';
import { SearchPanelComponent } from './search/search-panel.component';

const PANEL_KEY = 'messenger.membersPanel';

/** An open chat: header, history, composer; the members panel beside it and the settings dialog. */
@Component({
  selector: 'app-conversation',
  imports: [
    ChatHeaderComponent,
    MessageListComponent,
    ComposerComponent,
    MembersPanelComponent,
    GroupSettingsComponent,
    CallHistoryPanelComponent,
    SearchPanelComponent,
  ],
  templateUrl: './conversation.component.html',
  styleUrl: './conversation.component.scss',
})
export class ConversationComponent implements OnDestroy {
  protected readonly i18n = inject(I18n);
  protected readonly chats = inject(ChatsStore);
  protected readonly calls = inject(CallsStore);
  /** People in the chat's live call, from the call pushes this user received. */
  protected readonly liveCount = computed(() => this.calls.liveParticipants(this.chat()?.liveCallId ?? null));
  private readonly messages = inject(MessagesStore);
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly uploads = inject(UploadsStore);
  /** From the route (`/chats/:chatId`). */
  readonly chatId = input.required<string>();
  protected readonly chat = computed(() => this.chats.get(this.chatId()));
  protected readonly missing = signal(false);
  protected readonly membersOpen = signal(readPanelChoice());
  protected readonly settingsOpen = signal(false);
  /** The call history takes the side panel's place while it is open; the members panel comes back after. */
  protected readonly historyOpen = signal(false);
  protected readonly searchOpen = signal(false);
  /** Files are being dragged over the chat: it shows where to drop them. */
  protected readonly dragging = signal(false);
  protected readonly abilities = computed(() => {
    const chat = this.chat();
    return chat ? abilitiesIn(chat, this.auth.user()?.id ?? '') : null;
  });
  protected readonly departure = computed(() => {
    const gone = this.chats.departure();
    return gone && gone.chatId === this.chatId() ? gone : null;
  });

  constructor() {
    effect(() => {
      const chatId = this.chatId();
      untracked(() => {
        this.chats.activeId.set(chatId);
        this.chats.departure.set(null);
        this.missing.set(false);
        this.settingsOpen.set(false);
        this.searchOpen.set(false);
        void this.open(chatId);
      });
    });
  }

  ngOnDestroy(): void {
    this.chats.activeId.set(null);
  }

  protected toggleHistory(): void {
    this.historyOpen.update((open) => !open);
  }

  protected toggleMembers(): void {
    // Over the call history the members toggle shows as off: pressing it brings the members back.
    if (this.historyOpen()) {
      this.historyOpen.set(false);
      if (this.membersOpen()) return;
    }
    this.membersOpen.update((open) => !open);
    try {
      localStorage.setItem(PANEL_KEY, this.membersOpen() ? '1' : '0');
    } catch {
      // no storage: the choice lasts for this page
    }
  }

  protected dragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files') || !this.abilities()?.can('post')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dragging.set(true);
  }

  protected dragLeave(event: DragEvent): void {
    // Leaving for a child of the chat is not leaving the chat.
    if (!(event.currentTarget as Element).contains(event.relatedTarget as Node | null)) this.dragging.set(false);
  }

  protected drop(event: DragEvent): void {
    if (!this.dragging()) return;
    event.preventDefault();
    this.dragging.set(false);
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length) this.uploads.add(this.chatId(), files);
  }

  protected async back(): Promise<void> {
    await this.router.navigateByUrl('/');
  }

  private async open(chatId: string): Promise<void> {
    // A chat opened by link may not be in the list yet; a 404 means it is not ours to see.
    if (!this.chats.get(chatId) && !(await this.chats.refresh(chatId))) {
      if (this.chatId() === chatId) this.missing.set(true);
      return;
    }
    await this.messages.open(chatId);
  }
}

const readPanelChoice = (): boolean => {
  try {
    return localStorage.getItem(PANEL_KEY) !== '0' && matchMedia('(min-width: 1200px)').matches;
  } catch {
    return false;
  }
};
