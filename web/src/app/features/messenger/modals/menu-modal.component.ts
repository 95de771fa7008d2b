import { Component, computed, inject, output } from '@angular/core';
import { LucideBell, LucideLanguages, LucideLogOut, LucideMessageCirclePlus, LucideUserPen, LucideUsers, LucideVolume2 } from '@lucide/angular';
import { AuthStore } from '../../../core/auth/auth.store';
import { I18n } from '../../../core/i18n/i18n.service';
import type { MessageKey } from '../../../core/i18n/ru';
import { Notifications } from '../../../core/notifications/notifications.service';
import { AvatarComponent } from '../../../shared/avatar.component';
import { ModalComponent } from '../../../shared/modal.component';

/** The main menu (the plan's MenuModal): white icons, "Create group" first; my profile and notification switches. */
@Component({
  selector: 'app-menu-modal',
  imports: [ModalComponent, AvatarComponent, LucideUsers, LucideMessageCirclePlus, LucideLanguages, LucideLogOut, LucideUserPen, LucideBell, LucideVolume2],
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
        <button type="button" class="item" (click)="profile.emit()" data-test="menu-profile">
          <svg lucideUserPen [size]="20" aria-hidden="true"></svg>{{ i18n.t('menu.profile') }}
        </button>
        <button type="button" class="item" (click)="createGroup.emit()" data-test="menu-create-group">
          <svg lucideUsers [size]="20" aria-hidden="true"></svg>{{ i18n.t('menu.createGroup') }}
        </button>
        <button type="button" class="item" (click)="newChat.emit()" data-test="menu-new-chat">
          <svg lucideMessageCirclePlus [size]="20" aria-hidden="true"></svg>{{ i18n.t('menu.newChat') }}
        </button>
        @if (notifications.permission() !== 'unsupported') {
          <button
            type="button"
            class="item"
            role="switch"
            [attr.aria-checked]="notifications.active()"
            [disabled]="notifications.permission() === 'denied'"
            (click)="toggleNotifications()"
            data-test="menu-notifications"
          >
            <svg lucideBell [size]="20" aria-hidden="true"></svg>
            <span class="item__text">{{ i18n.t('notifications.menu') }}<small>{{ i18n.t(notificationsHint()) }}</small></span>
            <span class="toggle" aria-hidden="true"><span class="toggle__knob"></span></span>
          </button>
        }
        <button type="button" class="item" role="switch" [attr.aria-checked]="notifications.soundOn()" (click)="notifications.setSound(!notifications.soundOn())" data-test="menu-sound">
          <svg lucideVolume2 [size]="20" aria-hidden="true"></svg>
          <span class="item__text">{{ i18n.t('notifications.sound') }}</span>
          <span class="toggle" aria-hidden="true"><span class="toggle__knob"></span></span>
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
  protected readonly notifications = inject(Notifications);
  readonly closed = output<void>();
  readonly profile = output<void>();
  readonly createGroup = output<void>();
  readonly newChat = output<void>();
  readonly signOut = output<void>();

  protected readonly notificationsHint = computed((): MessageKey => {
    const permission = this.notifications.permission();
    return permission === 'denied' ? 'notifications.hint.denied' : permission === 'default' ? 'notifications.hint.default' : 'notifications.hint.granted';
  });

  /** Turning on asks the browser the first time (this click is the gesture it wants); after that it is the app's own switch. */
  protected toggleNotifications(): void {
    if (this.notifications.permission() === 'default') void this.notifications.request();
    else this.notifications.setEnabled(!this.notifications.enabled());
  }
}
