import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { AuthStore } from '../../../../core/auth/auth.store';
import { I18n } from '../../../../core/i18n/i18n.service';
import { Realtime } from '../../../../core/realtime/realtime.service';
import { aChat, aMember, aMessage, aUser, FakeRealtime } from '../../../../testing/fakes';
import { SearchPanelComponent } from './search-panel.component';

describe('SearchPanelComponent', () => {
  const anna = aUser('Anna');
  const chat = aChat([aMember(anna)]);

  it('searches as one types, marks the words found, loads more by cursor and jumps to a pick', async () => {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: Realtime, useValue: new FakeRealtime() }],
    });
    TestBed.inject(I18n).set('en');
    TestBed.inject(AuthStore).user.set(anna);
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(SearchPanelComponent);
    fixture.componentRef.setInput('chat', chat);
    const jumps: number[] = [];
    fixture.componentInstance.jump.subscribe((seq) => jumps.push(seq));
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const field = root.querySelector<HTMLInputElement>('[data-test=search-input]')!;

    field.value = 'книг';
    field.dispatchEvent(new Event('input'));
    // After the typing pause.
    const first = await vi.waitFor(() => http.expectOne((r) => r.url === `/api/chats/${chat.id}/messages/search`), { timeout: 3000 });
    expect(first.request.params.get('q')).toBe('книг');
    first.flush({ items: [aMessage(chat.id, 9, anna.id, 'Новая книга и книги')], nextCursor: '9' });
    await vi.waitFor(() => expect([...root.querySelectorAll('[data-test=search-result] mark')].map((m) => m.textContent)).toEqual(['книг', 'книг']));

    (root.querySelector('[data-test=search-more]') as HTMLButtonElement).click();
    const more = http.expectOne((r) => r.params.get('cursor') === '9');
    expect(more.request.params.get('q')).toBe('книг');
    more.flush({ items: [aMessage(chat.id, 3, anna.id, 'Книга')], nextCursor: null });
    const results = () => root.querySelectorAll<HTMLButtonElement>('[data-test=search-result]');
    await vi.waitFor(() => expect([...results()].map((r) => r.dataset['seq'])).toEqual(['9', '3']));
    expect(root.querySelector('[data-test=search-more]')).toBeNull();

    results()[1]!.click();
    expect(jumps).toEqual([3]);
  });
});
