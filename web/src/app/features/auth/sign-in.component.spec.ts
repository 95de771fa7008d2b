import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, type Type } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RegisterComponent } from './register.component';
import { SignInComponent } from './sign-in.component';

const setup = async <T>(component: Type<T>) => {
  localStorage.setItem('messenger.lang', 'ru');
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), provideRouter([])] });
  const fixture = TestBed.createComponent(component);
  await fixture.whenStable();
  const root = fixture.nativeElement as HTMLElement;
  const type = async (id: string, value: string) => {
    const input = root.querySelector<HTMLInputElement>(`#${id}`)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
    await fixture.whenStable();
  };
  const submit = async () => {
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await fixture.whenStable();
  };
  return { fixture, root, type, submit, http: TestBed.inject(HttpTestingController) };
};

describe('sign-in and register screens', () => {
  it('checks fields with the server’s own rules before sending anything', async () => {
    const { root, type, submit, http } = await setup(RegisterComponent);
    await type('username', 'Anna!');
    await type('name', '   ');
    await type('password', 'short');
    await submit();
    expect(root.textContent).toContain('Только a–z, 0–9 и _');
    expect(root.textContent).toContain('Минимум 8 символов');
    expect(root.querySelector('#name')!.getAttribute('aria-invalid')).toBe('true');
    http.expectNone('/api/auth/register');
  });

  it('signs in and opens the app, or shows the server’s refusal in place', async () => {
    const { root, type, submit, http, fixture } = await setup(SignInComponent);
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    await type('username', 'anna');
    await type('password', 'wrong password');
    await submit();
    http.expectOne('/api/auth/login').flush({ error: { code: 'INVALID_CREDENTIALS', message: 'x' } }, { status: 401, statusText: 'Unauthorized' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    await fixture.whenStable();
    expect(root.querySelector('[role=alert]')?.textContent).toContain('Неверное имя пользователя или пароль');
    expect(navigate).not.toHaveBeenCalled();

    await submit();
    http.expectOne('/api/auth/login').flush({ accessToken: 't', user: { id: '0123456789abcdef01234567', username: 'anna', name: 'Анна', bio: '', avatarUrl: null, createdAt: '2026-01-01T00:00:00.000Z' } });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(navigate).toHaveBeenCalledWith('/');
  });
});
