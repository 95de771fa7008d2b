import { Injectable, signal } from '@angular/core';
import type { UserSummary } from '@messenger/contracts';

/**
 * Everyone the app has seen (chat members, search results), so a system line can still name a
 * person who has since left the group.
 */
@Injectable({ providedIn: 'root' })
export class PeopleStore {
  private readonly known = signal<ReadonlyMap<string, UserSummary>>(new Map());

  remember(users: Iterable<UserSummary>): void {
    const current = this.known();
    let next: Map<string, UserSummary> | null = null;
    for (const user of users) {
      const seen = current.get(user.id);
      if (seen && seen.name === user.name && seen.avatarUrl === user.avatarUrl) continue;
      next ??= new Map(current);
      next.set(user.id, user);
    }
    if (next) this.known.set(next);
  }

  get(userId: string): UserSummary | null {
    return this.known().get(userId) ?? null;
  }
}
