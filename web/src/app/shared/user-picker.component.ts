import { Component, computed, inject, input, model, signal } from '@angular/core';
import { LucideSearch, LucideX } from '@lucide/angular';
import type { UserSummary } from '@messenger/contracts';
import { AuthStore } from '../core/auth/auth.store';
import { I18n } from '../core/i18n/i18n.service';
import { AvatarComponent } from './avatar.component';
import { SearchHintComponent } from './search-hint.component';
import { UserLabelComponent } from './user-label.component';
import { userSearch } from './user-search';

/**
 * Finds people and picks several: a debounced search, checkboxes, and chips of who is chosen (each
 * removable). Used to create a group and to add members; `excluded` hides who is already in.
 */
@Component({
  selector: 'app-user-picker',
  imports: [AvatarComponent, UserLabelComponent, SearchHintComponent, LucideSearch, LucideX],
  templateUrl: './user-picker.component.html',
  styleUrl: './user-picker.component.scss',
})
export class UserPickerComponent {
  protected readonly i18n = inject(I18n);
  private readonly auth = inject(AuthStore);
  readonly selected = model<UserSummary[]>([]);
  readonly excluded = input<string[]>([]);
  protected readonly query = signal('');
  protected readonly results = userSearch(this.query);
  protected readonly selectedIds = computed(() => new Set(this.selected().map((u) => u.id)));
  protected readonly shown = computed(() => {
    const results = this.results();
    if (results.kind !== 'ready') return [];
    const hidden = new Set([...this.excluded(), this.auth.user()?.id]);
    return results.users.filter((u) => !hidden.has(u.id));
  });

  protected toggle(user: UserSummary, checked: boolean): void {
    this.selected.update((chosen) => (checked ? [...chosen.filter((u) => u.id !== user.id), user] : chosen.filter((u) => u.id !== user.id)));
  }

  protected remove(user: UserSummary): void {
    this.toggle(user, false);
  }
}
