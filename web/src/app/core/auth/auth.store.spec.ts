import { provideHttpClient, withInterceptors, HttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { authInterceptor } from './auth.interceptor';
import { AuthStore } from './auth.store';
import { REFRESH_LOCK } from './refresh-lock';

/** Web Locks as the browser grants them: one holder per name, the others queue (jsdom has none). */
class FakeLocks {
  readonly requested: string[] = [];
  private queues = new Map<string, Promise<unknown>>();

  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    this.requested.push(name);
    const granted = (this.queues.get(name) ?? Promise.resolve()).then(() => callback());
    this.queues.set(name, granted.catch(() => undefined));
    return granted;
  }

  /** Another tab takes the lock and keeps it until the returned function is called. */
  holdElsewhere(name: string): () => void {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    void this.request(name, () => held);
    this.requested.pop();
    return release;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const user = { id: '0123456789abcdef01234567', username: 'anna', name: 'Анна', bio: '', avatarUrl: null, createdAt: '2026-01-01T00:00:00.000Z' };

describe('AuthStore', () => {
  let auth: AuthStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
    });
    auth = TestBed.inject(AuthStore);
    http = TestBed.inject(HttpTestingController);
  });

  it('asks nothing on a first visit', async () => {
    localStorage.clear();
    await auth.restore();
    http.expectNone('/api/auth/refresh');
    expect(auth.status()).toBe('signed-out');
  });

  it('restores a session from the refresh cookie, or settles signed out', async () => {
    localStorage.setItem('messenger.session', '1');
    const restored = auth.restore();
    const request = http.expectOne('/api/auth/refresh');
    expect(request.request.withCredentials).toBe(true);
    request.flush({ accessToken: 't1', user });
    await restored;
    expect(auth.status()).toBe('signed-in');
    expect(auth.user()?.name).toBe('Анна');

    const again = auth.restore();
    http.expectOne('/api/auth/refresh').flush({ error: { code: 'REFRESH_TOKEN_INVALID' } }, { status: 401, statusText: 'Unauthorized' });
    await again;
    expect(auth.status()).toBe('signed-out');
    expect(auth.accessToken()).toBeNull();
  });

  it('turns a refusal into an ApiError with the contract code', async () => {
    const signIn = auth.signIn('anna', 'wrong');
    http.expectOne('/api/auth/login').flush({ error: { code: 'INVALID_CREDENTIALS', message: 'wrong' } }, { status: 401, statusText: 'Unauthorized' });
    await expect(signIn).rejects.toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    expect(auth.status()).not.toBe('signed-in');
  });

  it('sends the token with API calls, and on an expired token refreshes once and retries', async () => {
    const signIn = auth.signIn('anna', 'right');
    http.expectOne('/api/auth/login').flush({ accessToken: 'old', user });
    await signIn;
    const client = TestBed.inject(HttpClient);
    const me = firstValueFrom(client.get('/api/users/me'));
    const first = http.expectOne('/api/users/me');
    expect(first.request.headers.get('authorization')).toBe('Bearer old');
    first.flush({ error: { code: 'TOKEN_EXPIRED' } }, { status: 401, statusText: 'Unauthorized' });
    await Promise.resolve();
    http.expectOne('/api/auth/refresh').flush({ accessToken: 'new', user });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const retry = http.expectOne('/api/users/me');
    expect(retry.request.headers.get('authorization')).toBe('Bearer new');
    retry.flush(user);
    await expect(me).resolves.toMatchObject({ username: 'anna' });
  });

  describe('with Web Locks', () => {
    let locks: FakeLocks;
    beforeEach(() => {
      locks = new FakeLocks();
      Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
    });
    afterEach(() => {
      delete (navigator as { locks?: unknown }).locks;
    });

    it('waits while another tab refreshes, then sends the cookie that tab left behind', async () => {
      const release = locks.holdElsewhere(REFRESH_LOCK);
      const refreshed = auth.refresh();
      await settle();
      http.expectNone('/api/auth/refresh');
      release();
      await settle();
      http.expectOne('/api/auth/refresh').flush({ accessToken: 't2', user });
      await expect(refreshed).resolves.toBe(true);
      expect(auth.accessToken()).toBe('t2');
      expect(locks.requested).toEqual([REFRESH_LOCK]);
    });

    it('asks for the lock once for parallel refreshes in one tab, and lets the next tab go after', async () => {
      const both = Promise.all([auth.refresh(), auth.refresh()]);
      await settle();
      http.expectOne('/api/auth/refresh').flush({ accessToken: 't3', user });
      await expect(both).resolves.toEqual([true, true]);
      expect(locks.requested).toEqual([REFRESH_LOCK]);
      const next = auth.refresh();
      await settle();
      http.expectOne('/api/auth/refresh').flush({ accessToken: 't4', user });
      await expect(next).resolves.toBe(true);
    });
  });
});
