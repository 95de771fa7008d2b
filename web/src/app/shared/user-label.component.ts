import { Component, input } from '@angular/core';
import type { UserSummary } from '@messenger/contracts';
import { AvatarComponent } from './avatar.component';

/** A person in a list: picture, name, and @username under it, both cut with an ellipsis when long. */
@Component({
  selector: 'app-user-label',
  imports: [AvatarComponent],
  template: `
    <app-avatar [name]="user().name" [id]="user().id" [url]="user().avatarUrl" [size]="32" />
    <span class="info">
      <span class="name">{{ user().name }}</span>
      <span class="username">&#64;{{ user().username }}</span>
    </span>
  `,
  styles: `
    :host {
      display: flex;
      align-items: center;
      gap: 10px;
      min-width: 0;
    }
    .info {
      display: flex;
      flex-direction: column;
      min-width: 0;
    }
    .name,
    .username {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .username {
      font-size: 13px;
      color: #949ba4;
    }
  `,
})
export class UserLabelComponent {
  readonly user = input.required<UserSummary>();
}
