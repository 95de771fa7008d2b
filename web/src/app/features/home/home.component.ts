import { Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { HealthService, type HealthReport } from '../../core/health.service';

type Status = { kind: 'loading' } | { kind: 'ready'; report: HealthReport } | { kind: 'unreachable' };

/** Placeholder home until the messenger UI lands: shows whether the backend is up. */
@Component({
  selector: 'app-home',
  templateUrl: './home.component.html',
  styleUrl: './home.component.scss',
})
export class HomeComponent {
  protected readonly status = signal<Status>({ kind: 'loading' });

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

  protected services(report: HealthReport): { name: string; status: string }[] {
    return Object.entries(report.services).map(([name, value]) => ({ name, status: value.status }));
  }
}
