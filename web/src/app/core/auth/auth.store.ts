import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { firstValueFrom, timeout } from 'rxjs';
import type { AuthResult, User } from '@messenger/contracts';
import { ApiError } from '../api/api-error';
import { underRefreshLock } from './refresh-lock';

const SESSION_HINT = 'messenger.session';
const REFRESH_TIMEOUT_MS = 15_000;

const hadSession = (): boolean => {
  try {
    return localStorage.getItem(SESSION_HINT) === '1';
  } catch {
    return true; // no storage: ask the server
  }
};

const rememberSession = (present: boolean): void => {
  try {
    if (present) localStorage.setItem(SESSION_HINT, '1');
    else localStorage.removeItem(SESSION_HINT);
  } catch {
    // no storage: nothing to remember
  }
};

export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

/**
 * The signed-in user and their short-lived access token, kept in memory only. The session survives
 * reloads through the refresh cookie (httpOnly, scoped to /api/auth): `restore()` trades it for a token.
 */
@Injectable({ providedIn: 'root' })
export class AuthStore {
  private readonly http = inject(HttpClient);
  readonly user = signal<User | null>(null);
  readonly accessToken = signal<string | null>(null);
  readonly status = signal<SessionStatus>('unknown');
  readonly signedIn = computed(() => this.status() === 'signed-in');
  private refreshing: Promise<boolean> | null = null;

  /**
   * Only a browser that signed in before can hold a refresh cookie (scripts cannot see it), so a
   * first visit does not ask, and gets no 401 in its console.
   */
  async restore(): Promise<void> {
    if (!hadSession()) this.clear();
    else await this.refresh();
  }

  /**
   * One refresh at a time: parallel 401s of this tab share one, and tabs take turns (the cookie rotates
   * on use, so each tab should send the cookie the previous one left behind).
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= underRefreshLock(() => this.exchangeCookie()).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  async signIn(username: string, password: string): Promise<void> {
    this.accept(await this.call('/api/auth/login', { username, password }));
  }

  async register(username: string, name: string, password: string): Promise<void> {
    this.accept(await this.call('/api/auth/register', { username, name, password }));
  }

  async signOut(): Promise<void> {
    try {
      await firstValueFrom(this.http.post('/api/auth/logout', {}, { withCredentials: true }));
    } finally {
      this.clear();
    }
  }

  /** Bounded, as every tab's refresh waits for the lock this one holds. */
  private exchangeCookie(): Promise<boolean> {
    return firstValueFrom(this.http.post<AuthResult>('/api/auth/refresh', {}, { withCredentials: true }).pipe(timeout(REFRESH_TIMEOUT_MS)))
      .then((result) => {
        this.accept(result);
        return true;
      })
      .catch(() => {
        this.clear();
        return false;
      });
  }

  private async call(url: string, body: unknown): Promise<AuthResult> {
    try {
      return await firstValueFrom(this.http.post<AuthResult>(url, body, { withCredentials: true }));
    } catch (error) {
      throw ApiError.from(error);
    }
  }

  private accept(result: AuthResult): void {
    rememberSession(true);
    this.accessToken.set(result.accessToken);
    this.user.set(result.user);
    this.status.set('signed-in');
  }

  private clear(): void {
    rememberSession(false);
    this.accessToken.set(null);
    this.user.set(null);
    this.status.set('signed-out');
  }
}
