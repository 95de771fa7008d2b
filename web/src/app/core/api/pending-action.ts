import { signal } from '@angular/core';
import type { I18n } from '../i18n/i18n.service';
import { ApiError } from './api-error';
import { apiErrorText } from './api-error-text';

/**
 * One action at a time on a screen: `busy` while it runs (a second click is ignored), and the
 * server's refusal in the user's words in `failure`.
 */
export class PendingAction {
  readonly busy = signal(false);
  readonly failure = signal<string | null>(null);

  constructor(private readonly i18n: I18n) {}

  async run(action: () => Promise<unknown>): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.failure.set(null);
    try {
      await action();
    } catch (error) {
      this.failure.set(apiErrorText(this.i18n, ApiError.from(error)));
    } finally {
      this.busy.set(false);
    }
  }
}
