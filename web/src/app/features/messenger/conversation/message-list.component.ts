import { Component, ElementRef, Injector, afterNextRender, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { LucideArrowDown, LucideCheck, LucideCheckCheck, LucideRotateCw, LucideX } from '@lucide/angular';
import type { Chat } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { MessagesStore } from '../../../core/chats/messages.store';
import { I18n } from '../../../core/i18n/i18n.service';
import { PeopleStore } from '../../../core/people/people.store';
import { AvatarComponent } from '../../../shared/avatar.component';
import { systemText } from '../system-text';
import { buildRows } from './message-rows';

/** Closer to the bottom than this counts as "at the bottom": new messages keep the view pinned there. */
const STICK_PX = 80;
/** Closer to the top than this loads the page before. */
const LOAD_OLDER_PX = 400;

/**
 * The history. Older pages load as the reader nears the top, keeping what they were looking at in
 * place; new messages scroll into view only if the reader was at the bottom. Rows off screen skip
 * layout and paint (`content-visibility: auto`), so a long history stays cheap to scroll.
 */
@Component({
  selector: 'app-message-list',
  imports: [AvatarComponent, LucideRotateCw, LucideX, LucideArrowDown, LucideCheck, LucideCheckCheck],
  templateUrl: './message-list.component.html',
  styleUrl: './message-list.component.scss',
})
export class MessageListComponent {
  protected readonly i18n = inject(I18n);
  protected readonly store = inject(MessagesStore);
  private readonly auth = inject(AuthStore);
  private readonly people = inject(PeopleStore);
  private readonly injector = inject(Injector);
  readonly chat = input.required<Chat>();
  private readonly scroller = viewChild.required<ElementRef<HTMLElement>>('scroller');

  protected readonly timeline = computed(() => this.store.timeline(this.chat().id));
  /** Where the "new messages" line goes: fixed when the chat opens, so reading does not move it. */
  private readonly firstUnread = signal<{ chatId: string; seq: number | null } | null>(null);
  protected readonly rows = computed(() => {
    const timeline = this.timeline();
    const marker = this.firstUnread();
    const seq = marker?.chatId === this.chat().id ? marker.seq : null;
    return buildRows(timeline.items, timeline.outgoing, this.auth.user()?.id ?? '', seq);
  });
  protected readonly atBottom = signal(true);
  private anchor: { height: number; top: number } | null = null;

  constructor() {
    effect(() => {
      const chat = this.chat();
      const ready = this.timeline().state === 'ready';
      untracked(() => {
        if (!ready || this.firstUnread()?.chatId === chat.id) return;
        const items = this.timeline().items;
        const first = chat.unreadCount > 0 ? items[Math.max(0, items.length - chat.unreadCount)] : undefined;
        this.firstUnread.set({ chatId: chat.id, seq: first && first.senderId !== this.auth.user()?.id ? first.seq : null });
        this.atBottom.set(true);
      });
    });
    effect(() => {
      this.rows();
      afterNextRender(() => this.settle(), { injector: this.injector });
    });
  }

  protected author(senderId: string | null): string {
    if (!senderId) return '';
    if (senderId === this.auth.user()?.id) return this.auth.user()?.name ?? '';
    return this.people.get(senderId)?.name ?? this.i18n.t('system.someone');
  }

  protected avatarOf(senderId: string | null): string | null {
    return senderId ? (this.people.get(senderId)?.avatarUrl ?? null) : null;
  }

  protected system(row: { message: { system: Parameters<typeof systemText>[3] | null; text: string } }): string {
    const event = row.message.system;
    return event ? systemText(this.i18n, this.people, this.auth.user()?.id ?? '', event, row.message.text) : row.message.text;
  }

  protected onScroll(): void {
    const el = this.scroller().nativeElement;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    this.atBottom.set(atBottom);
    if (atBottom) void this.store.markRead(this.chat().id);
    if (el.scrollTop < LOAD_OLDER_PX && this.timeline().hasOlder && !this.timeline().loadingOlder) {
      this.anchor = { height: el.scrollHeight, top: el.scrollTop };
      void this.store.loadOlder(this.chat().id);
    }
  }

  protected toBottom(): void {
    const el = this.scroller().nativeElement;
    el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
  }

  private settle(): void {
    const el = this.scroller().nativeElement;
    if (this.anchor && !this.timeline().loadingOlder) {
      el.scrollTop = el.scrollHeight - this.anchor.height + this.anchor.top;
      this.anchor = null;
    } else if (this.atBottom()) {
      el.scrollTop = el.scrollHeight;
      if (document.visibilityState === 'visible') void this.store.markRead(this.chat().id);
    }
  }
}
