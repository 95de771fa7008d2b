import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { HomeComponent } from './home.component';

describe('HomeComponent', () => {
  beforeEach(() => localStorage.setItem('messenger.lang', 'ru'));

  const setup = async () => {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    const fixture = TestBed.createComponent(HomeComponent);
    const http = TestBed.inject(HttpTestingController);
    await fixture.whenStable();
    return { fixture, http, text: () => (fixture.nativeElement as HTMLElement).textContent ?? '' };
  };

  it('says the server works when every service is ready', async () => {
    const { fixture, http, text } = await setup();
    expect(text()).toContain('Проверяем сервер');
    http.expectOne('/healthz').flush({ status: 'ok', services: { users: { status: 'ok' } } });
    await fixture.whenStable();
    expect(text()).toContain('Сервер работает');
    expect(text()).toContain('users: ok');
  });

  it('shows which service is down from a 503 report', async () => {
    const { fixture, http, text } = await setup();
    http.expectOne('/healthz').flush({ status: 'degraded', services: { users: { status: 'down' } } }, { status: 503, statusText: 'Service Unavailable' });
    await fixture.whenStable();
    expect(text()).toContain('Сервер работает частично');
    expect(text()).toContain('users: down');
  });

  it('says the server is unreachable when nothing answers', async () => {
    const { fixture, http, text } = await setup();
    http.expectOne('/healthz').error(new ProgressEvent('error'));
    await fixture.whenStable();
    expect(text()).toContain('Сервер недоступен');
  });
});
