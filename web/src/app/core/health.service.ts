import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

export interface HealthReport {
  status: 'ok' | 'degraded';
  services: Record<string, { status: string }>;
}

/** The gateway's view of the services behind it (`GET /healthz`). */
@Injectable({ providedIn: 'root' })
export class HealthService {
  private readonly http = inject(HttpClient);

  check(): Observable<HealthReport> {
    return this.http.get<HealthReport>('/healthz');
  }
}
