import { Component, input, output } from '@angular/core';
import type { Participant } from '@messenger/contracts';
import { AvatarComponent } from '../../../../shared/avatar.component';

/**
 * The members offered while an `@` is typed. Focus stays in the composer (it points here with
 * aria-activedescendant), so the keys are the composer's; a click picks too.
 */
@Component({
  selector: 'app-mention-menu',
  imports: [AvatarComponent],
  template: `
    <ul class="mentions" role="listbox" [id]="listId()" [attr.aria-label]="label()" data-test="mention-menu">
      @for (member of members(); track member.user.id; let i = $index) {
        <li
          role="option"
          class="mentions__option"
          [id]="listId() + '-' + i"
          [class.mentions__option--active]="i === active()"
          [attr.aria-selected]="i === active()"
          (mousedown)="$event.preventDefault()"
          (click)="picked.emit(member)"
          (mouseenter)="hovered.emit(i)"
          data-test="mention-option"
          [attr.data-username]="member.user.username"
        >
          <app-avatar [name]="member.user.name" [id]="member.user.id" [url]="member.user.avatarUrl" [size]="24" />
          <span class="mentions__name">{{ member.user.name }}</span>
          <span class="mentions__username">&#64;{{ member.user.username }}</span>
        </li>
      }
    </ul>
  `,
  styles: `
    @use 'styles/tokens' as *;

    .mentions {
      margin: 0 0 6px;
      padding: 6px;
      max-height: 240px;
      overflow-y: auto;
      list-style: none;
      border-radius: $radius;
      background: $bg-secondary;
      box-shadow: $shadow-modal;
    }

    .mentions__option {
      display: flex;
      align-items: center;
      gap: 8px;
      min-height: 36px;
      padding: 4px 8px;
      border-radius: $radius-sm;
      cursor: pointer;

      &--active {
        background: rgba(255, 255, 255, 0.08);
      }
    }

    .mentions__name {
      min-width: 0;
      overflow: hidden;
      color: $text-primary;
      text-overflow: ellipsis;
      white-space: nowrap;
    }

    .mentions__username {
      margin-left: auto;
      color: $text-muted;
      font-size: 13px;
      white-space: nowrap;
    }
  `,
})
export class MentionMenuComponent {
  readonly members = input.required<Participant[]>();
  readonly active = input(0);
  readonly listId = input.required<string>();
  readonly label = input('');
  readonly picked = output<Participant>();
  readonly hovered = output<number>();
}
