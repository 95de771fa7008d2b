import { Component, inject, output } from '@angular/core';
import { LucideLanguages, LucideLogOut, LucideMessageCirclePlus, LucideUsers } from '@lucide/angular';
import { AuthStore } from '../../../core/auth/auth.store';
import { I18n } from '../../../core/i18n/i18n.service';
import { AvatarComponent } from '../../../shared/avatar.component';
import { ModalComponent } from '../../../shared/modal.component';

/** The main menu (the plan's MenuModal): white icons, "Create group" first. */
@Component({
  selector: 'app-menu-modal',
  imports: [ModalComponent, AvatarComponent, LucideUsers, LucideMessageCirclePlus, LucideLanguages, LucideLogOut],
  template: `
    <app-modal [heading]="i18n.t('menu.title')" [closeLabel]="i18n.t('common.close')" (closed)="closed.emit()">
      @if (auth.user(); as user) {
        <div class="who">
          <app-avatar [name]="user.name" [id]="user.id" [url]="user.avatarUrl" [size]="48" />
          <span class="who__names">
            <strong>{{ user.name }}</strong>
            <span>&#64;{{ user.username }}</span>
          </span>
        </div>
      }
      <nav class="items">
        <button type="button" class="item" (click)="createGroup.emit()" data-test="menu-create-group">
          <svg lucideUsers [size]="20" aria-hidden="true"></svg>{{ i18n.t('menu.createGroup') }}
        </button>
        <button type="button" class="item" (click)="newChat.emit()" data-test="menu-new-chat">
          <svg lucideMessageCirclePlus [size]="20" aria-hidden="true"></svg>{{ i18n.t('menu.newChat') }}
        </button>
        <button type="button" class="item" (click)="i18n.toggle()" data-test="menu-language">
          <svg lucideLanguages [size]="20" aria-hidden="true"></svg>{{ i18n.t('lang.switch') }}
        </button>
        <button type="button" class="item item--danger" (click)="signOut.emit()" data-test="sign-out">
          <svg lucideLogOut [size]="20" aria-hidden="true"></svg>{{ i18n.t('auth.signOut') }}
        </button>
      </nav>
    </app-modal>
  `,
  styleUrl: './menu-modal.component.scss',
})
export class MenuModalComponent {
  protected readonly i18n = inject(I18n);
  protected readonly auth = inject(AuthStore);
  readonly closed = output<void>();
  readonly createGroup = output<void>();
  readonly newChat = output<void>();
  readonly signOut = output<void>();
}
