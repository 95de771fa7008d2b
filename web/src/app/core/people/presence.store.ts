import { Injectable, inject, signal } from '@angular/core';
import type { PresenceStatus } from '@messenger/contracts';
import { Api } from '../api/api.service';
import { Realtime } from '../realtime/realtime.service';

const BATCH = 100;

/**
 * Who is online. The server pushes changes of the user's contacts; the first look at someone
 * (and every reconnect) asks for their status, since pushes sent while offline are gone.
 */
@Injectable({ providedIn: 'root' })
export class PresenceStore {
  private readonly api = inject(Api);
  private readonly statuses = signal<ReadonlyMap<string, PresenceStatus>>(new Map());
  private readonly asked = new Set<string>();

  constructor() {
    const realtime = inject(Realtime);
    realtime.on('presence', (status) => this.set([status]));
    realtime.resynced$.subscribe(() => {
      const known = [...this.asked];
      this.asked.clear();
      this.watch(known);
    });
  }

  online(userId: string): boolean {
    return this.statuses().get(userId)?.online ?? false;
  }

  status(userId: string): PresenceStatus | null {
    return this.statuses().get(userId) ?? null;
  }

  /** Fetches the status of anyone not asked about yet, in batches the API accepts. */
  watch(userIds: string[]): void {
    const fresh = [...new Set(userIds)].filter((id) => !this.asked.has(id));
    for (const id of fresh) this.asked.add(id);
    for (let i = 0; i < fresh.length; i += BATCH) {
      const batch = fresh.slice(i, i + BATCH);
      this.api.presence(batch).then(
        (page) => this.set(page.items),
        () => batch.forEach((id) => this.asked.delete(id)),
      );
    }
  }

  private set(items: PresenceStatus[]): void {
    this.statuses.update((all) => {
      const next = new Map(all);
      for (const status of items) next.set(status.userId, status);
      return next;
    });
  }
}
