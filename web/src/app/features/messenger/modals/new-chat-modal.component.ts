import { Component, inject, output, signal } from '@angular/core';
import type { Chat, UserSummary } from '@messenger/contracts';
import { ApiError } from '../../../core/api/api-error';
import { AuthStore } from '../../../core/auth/auth.store';
import { GroupChatService } from '../../../core/chats/group-chat.service';
import { I18n } from '../../../core/i18n/i18n.service';
import { ModalComponent } from '../../../shared/modal.component';
import { SearchHintComponent } from '../../../shared/search-hint.component';
import { UserLabelComponent } from '../../../shared/user-label.component';
import { userSearch } from '../../../shared/user-search';
import { apiErrorText } from '../../../core/api/api-error-text';

/** A personal chat with someone found by name or username (the same chat every time). */
@Component({
  selector: 'app-new-chat-modal',
  imports: [ModalComponent, UserLabelComponent, SearchHintComponent],
  template: `
    <app-modal [heading]="i18n.t('menu.newChat')" [closeLabel]="i18n.t('common.close')" (closed)="closed.emit()">
      @if (failure(); as failure) {
        <p class="form-error" role="alert">{{ failure }}</p>
      }
      <label class="field">
        <span class="field__label">{{ i18n.t('picker.placeholder') }}</span>
        <input type="search" [value]="query()" (input)="query.set($any($event.target).value)" autocomplete="off" data-test="new-chat-search" />
      </label>
      <div class="results">
        @for (user of others(); track user.id) {
          <button type="button" class="user" [disabled]="busy()" (click)="open(user)" data-test="new-chat-user">
            <app-user-label [user]="user" />
          </button>
        } @empty {
          <app-search-hint [results]="results()" />
        }
      </div>
    </app-modal>
  `,
  styleUrl: './new-chat-modal.component.scss',
})
export class NewChatModalComponent {
  protected readonly i18n = inject(I18n);
  private readonly groups = inject(GroupChatService);
  private readonly auth = inject(AuthStore);
  readonly closed = output<void>();
  readonly opened = output<Chat>();
  protected readonly query = signal('');
  protected readonly results = userSearch(this.query);
  protected readonly busy = signal(false);
  protected readonly failure = signal<string | null>(null);

  protected others(): UserSummary[] {
    const results = this.results();
    return results.kind === 'ready' ? results.users.filter((u) => u.id !== this.auth.user()?.id) : [];
  }

  protected async open(user: UserSummary): Promise<void> {
    this.busy.set(true);
    this.failure.set(null);
    try {
      this.opened.emit(await this.groups.openPersonal(user.id));
    } catch (error) {
      this.failure.set(apiErrorText(this.i18n, ApiError.from(error)));
    } finally {
      this.busy.set(false);
    }
  }
}
