import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { AuthStore } from '../../core/auth/auth.store';
import { Realtime } from '../../core/realtime/realtime.service';
import { aUser, FakeRealtime } from '../../testing/fakes';
import { ProfileDialogComponent } from './profile-dialog.component';

describe('ProfileDialog', () => {
  const anna = { ...aUser('Anna'), bio: 'Читаю по вечерам' };

  const setup = async () => {
    localStorage.setItem('messenger.lang', 'en');
    const realtime = new FakeRealtime();
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: Realtime, useValue: realtime }],
    });
    const auth = TestBed.inject(AuthStore);
    auth.user.set(anna);
    auth.status.set('signed-in');
    const fixture = TestBed.createComponent(ProfileDialogComponent);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const $ = <E extends Element = HTMLElement>(test: string) => root.querySelector<E>(`[data-test=${test}]`);
    const type = async (test: string, value: string) => {
      const field = $<HTMLInputElement>(test)!;
      field.value = value;
      field.dispatchEvent(new Event('input'));
      await fixture.whenStable();
    };
    return { fixture, root, $, type, auth, realtime, http: TestBed.inject(HttpTestingController) };
  };

  it('starts from my profile, and saves only what changed', async () => {
    const ctx = await setup();
    expect(ctx.$<HTMLInputElement>('profile-name')!.value).toBe('Anna');
    expect(ctx.$<HTMLTextAreaElement>('profile-bio')!.value).toBe('Читаю по вечерам');
    expect(ctx.$('profile-username')!.textContent).toBe('@anna');
    expect(ctx.$<HTMLButtonElement>('profile-save')!.disabled).toBe(true);

    await ctx.type('profile-bio', 'Пишу по утрам');
    ctx.$<HTMLButtonElement>('profile-save')!.click();
    const request = ctx.http.expectOne((r) => r.method === 'PATCH' && r.url === '/api/users/me');
    expect(request.request.body).toEqual({ bio: 'Пишу по утрам' });
    request.flush({ ...anna, bio: 'Пишу по утрам' });
    await vi.waitFor(async () => {
      await ctx.fixture.whenStable();
      expect(ctx.$('profile-saved')).not.toBeNull();
    });
    expect(ctx.auth.user()?.bio).toBe('Пишу по утрам');
  });

  it('refuses a blank name in place', async () => {
    const ctx = await setup();
    await ctx.type('profile-name', '   ');
    expect(ctx.root.textContent).toContain('Required');
    expect(ctx.$<HTMLButtonElement>('profile-save')!.disabled).toBe(true);
  });

  it('uploads a chosen picture as the body and shows the answer everywhere', async () => {
    const ctx = await setup();
    const createObjectURL = vi.fn(() => 'blob:preview');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const file = new File([new Uint8Array([1, 2, 3])], 'me.png', { type: 'image/png' });
    const input = ctx.$<HTMLInputElement>('profile-avatar')!;
    Object.defineProperty(input, 'files', { value: [file] });
    input.dispatchEvent(new Event('change'));
    await ctx.fixture.whenStable();
    ctx.$<HTMLButtonElement>('profile-save')!.click();
    const request = ctx.http.expectOne((r) => r.method === 'PUT' && r.url === '/api/users/me/avatar');
    expect(request.request.body).toBe(file);
    expect(request.request.headers.get('content-type')).toBe('image/png');
    request.flush({ ...anna, avatarUrl: '/api/users/x/avatar?v=2' });
    await vi.waitFor(() => expect(ctx.auth.user()?.avatarUrl).toBe('/api/users/x/avatar?v=2'));
  });

  it('takes a push about me from another tab as my profile', async () => {
    const ctx = await setup();
    ctx.realtime.push('user.updated', { ...anna, name: 'Анна' });
    expect(ctx.auth.user()?.name).toBe('Анна');
    ctx.realtime.push('user.updated', { ...aUser('Boris'), name: 'Борис' });
    expect(ctx.auth.user()?.name).toBe('Анна');
  });
});
