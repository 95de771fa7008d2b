import { Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { AuthStore } from '../../core/auth/auth.store';
import { HealthService, type HealthReport } from '../../core/health.service';
import { I18n } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/ru';
import { Realtime } from '../../core/realtime/realtime.service';
import { Router } from '@angular/router';

type Status = { kind: 'loading' } | { kind: 'ready'; report: HealthReport } | { kind: 'unreachable' };

/** Placeholder home until the chat list lands: who is signed in, and whether the backend is up. */
@Component({
  selector: 'app-home',
  templateUrl: './home.component.html',
  styleUrl: './home.component.scss',
})
export class HomeComponent {
  protected readonly status = signal<Status>({ kind: 'loading' });
  protected readonly i18n = inject(I18n);
  protected readonly auth = inject(AuthStore);
  protected readonly realtime = inject(Realtime);
  protected readonly connectionLabel = computed((): MessageKey => `realtime.${this.realtime.state()}`);
  private readonly router = inject(Router);

  constructor() {
    inject(HealthService)
      .check()
      .pipe(takeUntilDestroyed())
      .subscribe({
        next: (report) => this.status.set({ kind: 'ready', report }),
        error: (error: { status?: number; error?: HealthReport }) =>
          this.status.set(error.status === 503 && error.error?.services ? { kind: 'ready', report: error.error } : { kind: 'unreachable' }),
      });
  }

  protected async signOut(): Promise<void> {
    await this.auth.signOut();
    await this.router.navigateByUrl('/sign-in');
  }

  protected services(report: HealthReport): { name: string; status: string }[] {
    return Object.entries(report.services).map(([name, value]) => ({ name, status: value.status }));
  }
}
