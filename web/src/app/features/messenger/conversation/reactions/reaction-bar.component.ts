import { CdkConnectedOverlay, type ConnectedPosition } from '@angular/cdk/overlay';
import { Component, ElementRef, inject, input, output, signal } from '@angular/core';
import { LucideSmilePlus } from '@lucide/angular';
import type { Chat, Reaction } from '@messenger/contracts';
import { AuthStore } from '../../../../core/auth/auth.store';
import { I18n } from '../../../../core/i18n/i18n.service';
import { MemberNames } from '../member-names';
import { LongPressDirective } from '../message/long-press.directive';

const ABOVE: ConnectedPosition[] = [
  { originX: 'start', originY: 'top', overlayX: 'start', overlayY: 'bottom', offsetY: -6 },
  { originX: 'start', originY: 'bottom', overlayX: 'start', overlayY: 'top', offsetY: 6 },
];

/**
 * A message's reactions as chips (emoji and count, mine highlighted); a click adds or takes back mine. Who reacted
 * shows in the chip's tooltip, and in a list on a long press or right click.
 */
@Component({
  selector: 'app-reaction-bar',
  imports: [CdkConnectedOverlay, LongPressDirective, LucideSmilePlus],
  template: `
    <div class="bar">
      @for (reaction of reactions(); track reaction.emoji) {
        <button
          #chip
          type="button"
          class="chip"
          [class.chip--mine]="mine(reaction)"
          [attr.aria-pressed]="mine(reaction)"
          [attr.aria-label]="label(reaction)"
          [title]="names(reaction)"
          (click)="toggled.emit(reaction.emoji)"
          appLongPress
          (longPress)="showWho(reaction.emoji, chip)"
          data-test="reaction"
          [attr.data-emoji]="reaction.emoji"
        >
          <span class="chip__emoji" aria-hidden="true">{{ reaction.emoji }}</span>
          <span class="chip__count" data-test="reaction-count">{{ reaction.userIds.length }}</span>
        </button>
      }
      @if (canAdd()) {
        <button type="button" class="chip chip--add" [attr.aria-label]="i18n.t('message.react')" [title]="i18n.t('message.react')" (click)="add.emit($any($event.currentTarget))" data-test="reaction-add">
          <svg lucideSmilePlus [size]="16" aria-hidden="true"></svg>
        </button>
      }
    </div>
    <ng-template
      cdkConnectedOverlay
      [cdkConnectedOverlayOrigin]="whoOrigin"
      [cdkConnectedOverlayOpen]="who() !== null"
      [cdkConnectedOverlayPositions]="positions"
      [cdkConnectedOverlayPush]="true"
      [cdkConnectedOverlayViewportMargin]="8"
      (overlayOutsideClick)="who.set(null)"
      (overlayKeydown)="$event.key === 'Escape' && who.set(null)"
      (detach)="who.set(null)"
    >
      @if (whoReaction(); as reaction) {
        <div class="who" role="status" data-test="reaction-who">
          <span class="who__emoji" aria-hidden="true">{{ reaction.emoji }}</span>
          <ul>
            @for (id of reaction.userIds; track id) {
              <li>{{ nameOf(id) }}</li>
            }
          </ul>
        </div>
      }
    </ng-template>
  `,
  styleUrl: './reaction-bar.component.scss',
})
export class ReactionBarComponent {
  protected readonly i18n = inject(I18n);
  private readonly memberNames = inject(MemberNames);
  private readonly auth = inject(AuthStore);
  readonly reactions = input.required<Reaction[]>();
  readonly chat = input.required<Chat>();
  /** Whether the "add a reaction" chip shows (the message can still take reactions). */
  readonly canAdd = input(true);
  readonly toggled = output<string>();
  /** Asks for the emoji picker, next to this element. */
  readonly add = output<HTMLElement>();
  protected readonly who = signal<string | null>(null);
  protected whoOrigin: HTMLElement = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  protected readonly positions = ABOVE;

  protected whoReaction(): Reaction | null {
    const emoji = this.who();
    return this.reactions().find((r) => r.emoji === emoji) ?? null;
  }

  protected mine(reaction: Reaction): boolean {
    return reaction.userIds.includes(this.auth.user()?.id ?? '');
  }

  protected names(reaction: Reaction): string {
    return reaction.userIds.map((id) => this.nameOf(id)).join(', ');
  }

  protected label(reaction: Reaction): string {
    return this.i18n.t('reactions.chip', { emoji: reaction.emoji, count: reaction.userIds.length, names: this.names(reaction) });
  }

  protected showWho(emoji: string, chip: HTMLElement): void {
    this.whoOrigin = chip;
    this.who.set(emoji);
  }

  protected nameOf(userId: string): string {
    return this.memberNames.nameOrYou(userId, this.chat());
  }
}
