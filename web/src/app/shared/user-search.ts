import { inject, signal, type Signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import type { UserSummary } from '@messenger/contracts';
import { catchError, debounceTime, distinctUntilChanged, from, map, of, startWith, switchMap } from 'rxjs';
import { Api } from '../core/api/api.service';

export const SEARCH_DEBOUNCE_MS = 250;

export type SearchResults = { kind: 'idle' } | { kind: 'loading' } | { kind: 'ready'; users: UserSummary[] } | { kind: 'error' };

/**
 * People search as the user types: waits for a pause, drops answers to queries already replaced
 * (switchMap), and reports loading and failure. Call from an injection context.
 */
export const userSearch = (query: Signal<string>): Signal<SearchResults> => {
  const api = inject(Api);
  const results = signal<SearchResults>({ kind: 'idle' });
  toObservable(query)
    .pipe(
      map((q) => q.trim()),
      debounceTime(SEARCH_DEBOUNCE_MS),
      distinctUntilChanged(),
      switchMap((q) =>
        q
          ? from(api.searchUsers(q)).pipe(
              map((page): SearchResults => ({ kind: 'ready', users: page.items })),
              startWith<SearchResults>({ kind: 'loading' }),
              catchError(() => of<SearchResults>({ kind: 'error' })),
            )
          : of<SearchResults>({ kind: 'idle' }),
      ),
      takeUntilDestroyed(),
    )
    .subscribe((next) => results.set(next));
  return results.asReadonly();
};
