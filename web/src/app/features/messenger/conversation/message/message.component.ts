import { Clipboard } from '@angular/cdk/clipboard';
import { CdkMenu, CdkMenuItem, CdkMenuTrigger } from '@angular/cdk/menu';
import { Component, ElementRef, computed, inject, input, output, signal, viewChild } from '@angular/core';
import {
  LucideBan,
  LucideCheck,
  LucideCheckCheck,
  LucideCopy,
  LucideEllipsis,
  LucidePencil,
  LucideReply,
  LucideSmilePlus,
  LucideTrash2,
} from '@lucide/angular';
import type { Attachment, Chat, Message } from '@messenger/contracts';
import { AuthStore } from '../../../../core/auth/auth.store';
import { abilitiesIn } from '../../../../core/chats/abilities';
import { MessagesStore } from '../../../../core/chats/messages.store';
import { I18n } from '../../../../core/i18n/i18n.service';
import { mentionSegments } from '../../../../core/messages/mentions';
import { AvatarComponent } from '../../../../shared/avatar.component';
import { isInlineImage } from '../attachments/attachment-kinds';
import { MessageAttachmentsComponent } from '../attachments/message-attachments.component';
import { ComposeState } from '../compose-state';
import { MemberNames } from '../member-names';
import { QUICK_REACTIONS } from '../reactions/emoji';
import { ReactionBarComponent } from '../reactions/reaction-bar.component';
import { LongPressDirective } from './long-press.directive';
import { ReplyQuoteComponent } from './reply-quote.component';

/** Taps on these do their own thing; a tap anywhere else on a touch screen opens the message's menu. */
const INTERACTIVE = 'a, button, input, textarea, img, [role="button"]';

/**
 * One message of the history: its author and time (at the head of a group), the message it answers, its text
 * with mentions, files and reactions. Its actions sit in a toolbar on hover and in a menu (the "more" button,
 * a right click, or a long press or tap on a touch screen).
 */
@Component({
  selector: 'app-message',
  imports: [
    AvatarComponent,
    CdkMenu,
    CdkMenuItem,
    CdkMenuTrigger,
    LongPressDirective,
    MessageAttachmentsComponent,
    ReactionBarComponent,
    ReplyQuoteComponent,
    LucideBan,
    LucideCheck,
    LucideCheckCheck,
    LucideCopy,
    LucideEllipsis,
    LucidePencil,
    LucideReply,
    LucideSmilePlus,
    LucideTrash2,
  ],
  templateUrl: './message.component.html',
  styleUrl: './message.component.scss',
})
export class MessageComponent {
  protected readonly i18n = inject(I18n);
  protected readonly names = inject(MemberNames);
  private readonly auth = inject(AuthStore);
  private readonly store = inject(MessagesStore);
  private readonly compose = inject(ComposeState);
  private readonly clipboard = inject(Clipboard);
  readonly message = input.required<Message>();
  readonly chat = input.required<Chat>();
  /** The first of a group of messages: shows the author's name and avatar. */
  readonly head = input(true);
  readonly mine = input(false);
  /** Just jumped to: shown lit for a moment. */
  readonly highlighted = input(false);
  readonly deleteAsked = output<Message>();
  readonly pickEmoji = output<{ message: Message; origin: HTMLElement }>();
  readonly jump = output<number>();
  readonly view = output<{ images: Attachment[]; index: number }>();

  private readonly menuTrigger = viewChild(CdkMenuTrigger);
  private readonly toolbar = viewChild<ElementRef<HTMLElement>>('toolbar');
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly menuOpen = signal(false);
  protected readonly quick = QUICK_REACTIONS;
  private lastPointer = 'mouse';

  protected readonly myId = computed(() => this.auth.user()?.id ?? '');
  protected readonly deleted = computed(() => this.message().deletedAt !== null);
  protected readonly segments = computed(() => mentionSegments(this.message().text, this.chat().participants));
  protected readonly mentionsMe = computed(() => !this.deleted() && this.message().mentions.includes(this.myId()));
  private readonly abilities = computed(() => abilitiesIn(this.chat(), this.myId()));
  protected readonly live = computed(() => !this.deleted() && this.message().kind === 'text');
  protected readonly canReply = computed(() => this.live() && this.abilities().can('post'));
  protected readonly canEdit = computed(() => this.canReply() && this.mine());
  protected readonly canDelete = computed(() => this.live() && (this.mine() || this.abilities().can('deleteOthersMessage')));
  protected readonly canCopy = computed(() => this.live() && this.message().text.length > 0);

  protected author(): string {
    return this.names.name(this.message().senderId, this.chat());
  }

  protected avatar(): string | null {
    return this.names.avatar(this.message().senderId, this.chat());
  }

  protected openMenu(): void {
    if (this.live()) this.menuTrigger()?.open();
  }

  protected pointer(event: PointerEvent): void {
    this.lastPointer = event.pointerType;
  }

  /** Telegram's way on a phone: a tap on the message (not on a link, a button or an image) opens its menu. */
  protected tapped(event: MouseEvent): void {
    if (this.lastPointer !== 'touch' || (event.target as Element).closest(INTERACTIVE)) return;
    if (getSelection()?.toString()) return;
    this.openMenu();
  }

  protected reply(): void {
    this.compose.reply(this.message());
  }

  protected edit(): void {
    this.compose.edit(this.message());
  }

  protected copy(): void {
    this.clipboard.copy(this.message().text);
  }

  protected react(emoji: string): void {
    void this.store.toggleReaction(this.message().chatId, this.message().id, emoji);
  }

  protected pick(origin?: HTMLElement): void {
    this.pickEmoji.emit({ message: this.message(), origin: origin ?? this.toolbar()?.nativeElement ?? this.host.nativeElement });
  }

  protected viewImage(index: number): void {
    this.view.emit({ images: this.message().attachments.filter(isInlineImage), index });
  }
}
