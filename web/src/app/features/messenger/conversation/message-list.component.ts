import { CdkConnectedOverlay, type ConnectedPosition } from '@angular/cdk/overlay';
import { Component, DestroyRef, ElementRef, Injector, afterNextRender, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { LucideArrowDown, LucidePaperclip, LucideRotateCw, LucideX } from '@lucide/angular';
import type { Attachment, Chat, Message } from '@messenger/contracts';
import { ApiError } from '../../../core/api/api-error';
import { apiErrorText } from '../../../core/api/api-error-text';
import { AuthStore } from '../../../core/auth/auth.store';
import { MessagesStore } from '../../../core/chats/messages.store';
import { I18n } from '../../../core/i18n/i18n.service';
import { PeopleStore } from '../../../core/people/people.store';
import { AvatarComponent } from '../../../shared/avatar.component';
import { ModalComponent } from '../../../shared/modal.component';
import { systemText } from '../system-text';
import { ImageViewerComponent } from './attachments/image-viewer.component';
import { MemberNames } from './member-names';
import { MessageComponent } from './message/message.component';
import { ReplyQuoteComponent } from './message/reply-quote.component';
import { buildRows } from './message-rows';
import { EmojiPickerComponent } from './reactions/emoji-picker.component';

/** Closer to the bottom than this counts as "at the bottom": new messages keep the view pinned there. */
const STICK_PX = 80;
/** Closer to the top than this loads the page before. */
const LOAD_OLDER_PX = 400;
/** How long a message jumped to stays lit. */
const HIGHLIGHT_MS = 2000;

const PICKER_POSITIONS: ConnectedPosition[] = [
  { originX: 'end', originY: 'top', overlayX: 'end', overlayY: 'bottom', offsetY: -4 },
  { originX: 'end', originY: 'bottom', overlayX: 'end', overlayY: 'top', offsetY: 4 },
];

/**
 * The history. Older pages load as the reader nears the top, keeping what they were looking at in
 * place; new messages scroll into view only if the reader was at the bottom. Rows off screen skip
 * layout and paint (`content-visibility: auto`), so a long history stays cheap to scroll. A jump (to a
 * reply's original, or a search result) loads back until the message is there, scrolls to it and lights it.
 */
@Component({
  selector: 'app-message-list',
  imports: [
    AvatarComponent,
    CdkConnectedOverlay,
    EmojiPickerComponent,
    ImageViewerComponent,
    MessageComponent,
    ModalComponent,
    ReplyQuoteComponent,
    LucideRotateCw,
    LucideX,
    LucideArrowDown,
    LucidePaperclip,
  ],
  templateUrl: './message-list.component.html',
  styleUrl: './message-list.component.scss',
})
export class MessageListComponent {
  protected readonly i18n = inject(I18n);
  protected readonly store = inject(MessagesStore);
  protected readonly names = inject(MemberNames);
  private readonly auth = inject(AuthStore);
  private readonly people = inject(PeopleStore);
  private readonly injector = inject(Injector);
  readonly chat = input.required<Chat>();
  private readonly scroller = viewChild.required<ElementRef<HTMLElement>>('scroller');
  private readonly rowsList = viewChild<ElementRef<HTMLElement>>('rowsList');

  protected readonly myId = computed(() => this.auth.user()?.id ?? '');
  protected readonly timeline = computed(() => this.store.timeline(this.chat().id));
  /** Where the "new messages" line goes: fixed when the chat opens, so reading does not move it. */
  private readonly firstUnread = signal<{ chatId: string; seq: number | null } | null>(null);
  protected readonly rows = computed(() => {
    const timeline = this.timeline();
    const marker = this.firstUnread();
    const seq = marker?.chatId === this.chat().id ? marker.seq : null;
    return buildRows(timeline.items, timeline.outgoing, this.myId(), seq);
  });
  protected readonly atBottom = signal(true);
  protected readonly highlighted = signal<number | null>(null);
  protected readonly picking = signal<Message | null>(null);
  protected pickerOrigin: HTMLElement = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  protected readonly pickerPositions = PICKER_POSITIONS;
  protected readonly deleting = signal<Message | null>(null);
  protected readonly deletingBusy = signal(false);
  protected readonly deleteError = signal<string | null>(null);
  protected readonly viewing = signal<{ images: Attachment[]; index: number } | null>(null);
  private anchor: { height: number; top: number } | null = null;
  /** While a jump is under way the list does not pin itself to the bottom or restore a scroll anchor. */
  private jumping = false;
  private highlightTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    effect(() => {
      const chat = this.chat();
      const ready = this.timeline().state === 'ready';
      untracked(() => {
        if (!ready || this.firstUnread()?.chatId === chat.id) return;
        const items = this.timeline().items;
        const first = chat.unreadCount > 0 ? items[Math.max(0, items.length - chat.unreadCount)] : undefined;
        this.firstUnread.set({ chatId: chat.id, seq: first && first.senderId !== this.myId() ? first.seq : null });
        this.atBottom.set(true);
      });
    });
    effect(() => {
      this.rows();
      afterNextRender(() => this.settle(), { injector: this.injector });
    });
    // Rows take their real height only as they come near the screen (content-visibility), a picture's space is
    // known only once its row is drawn, and the composer grows with a reply strip or files: a reader at the
    // bottom stays there as these settle.
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.keepAtBottom());
    effect(() => {
      const rows = this.rowsList()?.nativeElement;
      observer?.disconnect();
      observer?.observe(this.scroller().nativeElement);
      if (rows) observer?.observe(rows);
    });
    inject(DestroyRef).onDestroy(() => {
      clearTimeout(this.highlightTimer);
      observer?.disconnect();
    });
  }

  /** Scrolls to a message by its seq, loading older pages first if it is not loaded yet, and lights it briefly. */
  async jumpTo(seq: number): Promise<void> {
    const chatId = this.chat().id;
    this.jumping = true;
    this.anchor = null;
    this.atBottom.set(false);
    const found = await this.store.reveal(chatId, seq);
    if (!found || chatId !== this.chat().id) {
      this.jumping = false;
      return;
    }
    this.highlighted.set(null);
    this.highlighted.set(seq);
    clearTimeout(this.highlightTimer);
    this.highlightTimer = setTimeout(() => this.highlighted.set(null), HIGHLIGHT_MS);
    afterNextRender(
      () => {
        this.scrollToSeq(seq);
        // Rows skipped by content-visibility take their real height as they come into view: aim once more.
        requestAnimationFrame(() => {
          this.scrollToSeq(seq);
          this.jumping = false;
        });
      },
      { injector: this.injector },
    );
  }

  protected system(row: { message: { system: Parameters<typeof systemText>[3] | null; text: string } }): string {
    const event = row.message.system;
    return event ? systemText(this.i18n, this.people, this.myId(), event, row.message.text) : row.message.text;
  }

  protected onScroll(): void {
    const el = this.scroller().nativeElement;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    this.atBottom.set(atBottom);
    if (atBottom) void this.store.markRead(this.chat().id);
    if (!this.jumping && el.scrollTop < LOAD_OLDER_PX && this.timeline().hasOlder && !this.timeline().loadingOlder) {
      this.anchor = { height: el.scrollHeight, top: el.scrollTop };
      void this.store.loadOlder(this.chat().id);
    }
  }

  protected toBottom(): void {
    const el = this.scroller().nativeElement;
    el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
  }

  protected openPicker(message: Message, origin: HTMLElement): void {
    this.pickerOrigin = origin;
    this.picking.set(message);
  }

  protected closePicker(): void {
    if (!this.picking()) return;
    this.picking.set(null);
    // Back to where the picker was asked for, for a keyboard user.
    if (this.pickerOrigin.isConnected && this.pickerOrigin.tabIndex >= 0) this.pickerOrigin.focus();
  }

  protected react(emoji: string): void {
    const message = this.picking();
    this.closePicker();
    if (message) void this.store.toggleReaction(message.chatId, message.id, emoji);
  }

  protected askDelete(message: Message): void {
    this.deleteError.set(null);
    this.deleting.set(message);
  }

  protected async confirmDelete(message: Message): Promise<void> {
    this.deletingBusy.set(true);
    this.deleteError.set(null);
    try {
      await this.store.remove(message.chatId, message.id);
      this.deleting.set(null);
    } catch (error) {
      this.deleteError.set(this.i18n.t('message.deleteFailed', { reason: apiErrorText(this.i18n, ApiError.from(error)) }));
    } finally {
      this.deletingBusy.set(false);
    }
  }

  private scrollToSeq(seq: number): void {
    this.scroller().nativeElement.querySelector(`[data-seq="${seq}"]`)?.scrollIntoView({ block: 'center' });
  }

  private keepAtBottom(): void {
    if (!this.atBottom() || this.jumping || this.anchor) return;
    const el = this.scroller().nativeElement;
    el.scrollTop = el.scrollHeight;
  }

  private settle(): void {
    if (this.jumping) return;
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
