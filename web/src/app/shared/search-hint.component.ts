import { Component, inject, input } from '@angular/core';
import { I18n } from '../core/i18n/i18n.service';
import type { SearchResults } from './user-search';

/** What a people search says while it has no list to show: a hint, "searching", a failure, or nobody found. */
@Component({
  selector: 'app-search-hint',
  template: `
    @switch (results().kind) {
      @case ('idle') {
        <p>{{ i18n.t('picker.hint') }}</p>
      }
      @case ('loading') {
        <p role="status">{{ i18n.t('picker.searching') }}</p>
      }
      @case ('error') {
        <p class="error" role="alert">{{ i18n.t('picker.failed') }}</p>
      }
      @default {
        <p>{{ i18n.t('picker.nobody') }}</p>
      }
    }
  `,
  styles: `
    p {
      margin: 16px 8px;
      color: #949ba4;
      text-align: center;
    }
    .error {
      color: #f23f43;
    }
  `,
})
export class SearchHintComponent {
  protected readonly i18n = inject(I18n);
  readonly results = input.required<SearchResults>();
}
