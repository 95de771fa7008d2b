import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { traceInterceptor } from './trace.interceptor';

describe('traceInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(withInterceptors([traceInterceptor])), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it('starts a new sampled W3C trace for every API call', () => {
    http.get('/api/chats').subscribe();
    http.get('/api/chats').subscribe();
    const [first, second] = backend.match('/api/chats').map((r) => r.request.headers.get('traceparent'));
    expect(first).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(second).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(first!.slice(3, 35)).not.toBe(second!.slice(3, 35));
  });

  it('leaves requests outside the API alone', () => {
    http.get('/assets/i18n.json').subscribe();
    expect(backend.expectOne('/assets/i18n.json').request.headers.has('traceparent')).toBe(false);
  });
});
