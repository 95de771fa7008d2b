import { Component, inject } from '@angular/core';
import { LucideMessageSquare } from '@lucide/angular';
import { I18n } from '../../core/i18n/i18n.service';

/** The right side before a chat is chosen. */
@Component({
  selector: 'app-no-chat',
  imports: [LucideMessageSquare],
  template: `
    <div class="empty">
      <svg lucideMessageSquare [size]="56" aria-hidden="true"></svg>
      <p>{{ i18n.t('conversation.pick') }}</p>
    </div>
  `,
  styles: `
    .empty {
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      gap: 12px;
      height: 100%;
      padding: 24px;
      color: #949ba4;
      text-align: center;
    }
  `,
})
export class NoChatComponent {
  protected readonly i18n = inject(I18n);
}
