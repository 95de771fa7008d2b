import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Chat } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { ChatsStore } from '../../../core/chats/chats.store';
import { Realtime } from '../../../core/realtime/realtime.service';
import { SEARCH_DEBOUNCE_MS } from '../../../shared/user-search';
import { aChat, aMember, aUser, FakeRealtime } from '../../../testing/fakes';
import { CreateGroupModalComponent } from './create-group-modal.component';

describe('CreateGroupModal', () => {
  const anna = aUser('Anna');
  const boris = aUser('Boris');
  const clara = aUser('Clara');

  const setup = async () => {
    localStorage.setItem('messenger.lang', 'ru');
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: Realtime, useValue: new FakeRealtime() }],
    });
    const auth = TestBed.inject(AuthStore);
    auth.user.set(anna);
    auth.status.set('signed-in');
    const fixture = TestBed.createComponent(CreateGroupModalComponent);
    const created: Chat[] = [];
    fixture.componentInstance.created.subscribe((chat) => created.push(chat));
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const $ = <E extends Element = HTMLElement>(test: string) => root.querySelector<E>(`[data-test=${test}]`);
    const type = async (test: string, value: string) => {
      const field = $<HTMLInputElement>(test)!;
      field.value = value;
      field.dispatchEvent(new Event('input'));
      await fixture.whenStable();
    };
    const click = async (el: HTMLElement | null) => {
      el!.click();
      await fixture.whenStable();
    };
    return { fixture, root, $, type, click, created, http: TestBed.inject(HttpTestingController) };
  };

  /** Types a query and lets the debounced search fire, answering it with `users`. */
  const search = async (ctx: Awaited<ReturnType<typeof setup>>, query: string, users: ReturnType<typeof aUser>[]) => {
    await ctx.type('picker-search', query);
    await new Promise((resolve) => setTimeout(resolve, SEARCH_DEBOUNCE_MS + 50));
    ctx.http.expectOne((r) => r.url === '/api/users/search' && r.params.get('q') === query).flush({ items: users, nextCursor: null });
    // The answer lands a few microtasks later; "Ищем…" goes away when it has.
    await vi.waitFor(async () => {
      await ctx.fixture.whenStable();
      expect(ctx.root.querySelector('.results [role=status]')).toBeNull();
    });
  };

  it('step 1: needs a name, counts its characters, and goes on with "Далее"', async () => {
    const ctx = await setup();
    expect(ctx.root.textContent).toContain('Создание беседы');
    expect(ctx.$<HTMLButtonElement>('next')!.disabled).toBe(true);
    await ctx.type('group-name', 'Книжный клуб');
    expect(ctx.$('name-counter')!.textContent).toBe('12/100');
    expect(ctx.$<HTMLButtonElement>('next')!.disabled).toBe(false);
    await ctx.click(ctx.$('next'));
    expect(ctx.root.textContent).toContain('Добавить участников');
    expect(ctx.$('picker-search')).not.toBeNull();
  });

  it('step 1: a name of spaces only is refused in place', async () => {
    const ctx = await setup();
    await ctx.type('group-name', '   ');
    expect(ctx.$<HTMLButtonElement>('next')!.disabled).toBe(true);
  });

  it('step 2: searches after a pause, picks with checkboxes and chips, and "Создать" waits for somebody', async () => {
    const ctx = await setup();
    await ctx.type('group-name', 'Книжный клуб');
    await ctx.click(ctx.$('next'));
    expect(ctx.$<HTMLButtonElement>('create')!.disabled).toBe(true);

    await search(ctx, 'bo', [anna, boris, clara]);
    // The creator is never offered to themselves.
    const rows = [...ctx.root.querySelectorAll('[data-test=picker-user]')].map((row) => row.textContent);
    expect(rows.some((text) => text?.includes('Anna'))).toBe(false);
    expect(rows).toHaveLength(2);

    const boxes = ctx.root.querySelectorAll<HTMLInputElement>('[data-test=picker-user] input');
    boxes[0]!.click();
    boxes[1]!.click();
    await ctx.fixture.whenStable();
    expect(ctx.root.textContent).toContain('Выбрано: 2');
    expect(ctx.root.querySelectorAll('.chip')).toHaveLength(2);
    expect(ctx.$<HTMLButtonElement>('create')!.disabled).toBe(false);

    // A chip's × takes the person back out.
    await ctx.click(ctx.root.querySelector<HTMLButtonElement>('.chip__remove'));
    expect(ctx.root.textContent).toContain('Выбрано: 1');
    expect(ctx.root.querySelectorAll('.chip')).toHaveLength(1);

    // "Назад" keeps what was typed.
    await ctx.click(ctx.$('back'));
    expect(ctx.$<HTMLInputElement>('group-name')!.value).toBe('Книжный клуб');
  });

  it('creates the group with the chosen people, lists it and hands it to the caller', async () => {
    const ctx = await setup();
    await ctx.type('group-name', '  Книжный клуб ');
    await ctx.type('group-description', 'По четвергам');
    await ctx.click(ctx.$('next'));
    await search(ctx, 'boris', [boris]);
    ctx.root.querySelector<HTMLInputElement>('[data-test=picker-user] input')!.click();
    await ctx.fixture.whenStable();
    await ctx.click(ctx.$('create'));

    const request = ctx.http.expectOne((r) => r.method === 'POST' && r.url === '/api/chats');
    expect(request.request.body).toEqual({ type: 'group', name: 'Книжный клуб', description: 'По четвергам', memberIds: [boris.id] });
    const chat = aChat([aMember(anna, 'owner'), aMember(boris)], { name: 'Книжный клуб' });
    request.flush(chat);
    await vi.waitFor(() => expect(ctx.created.map((c) => c.id)).toEqual([chat.id]));
    expect(TestBed.inject(ChatsStore).get(chat.id)?.name).toBe('Книжный клуб');
  });

  it('a channel: chosen with its sentence, named as one, and created with type "channel"', async () => {
    const ctx = await setup();
    expect(ctx.$<HTMLInputElement>('type-group')!.checked).toBe(true);
    expect(ctx.$('chat-type')!.textContent).toContain('Пишут только владелец и администраторы, подписчики читают.');
    await ctx.click(ctx.$('type-channel'));
    expect(ctx.root.textContent).toContain('Создание канала');
    expect(ctx.root.textContent).toContain('Название канала');
    await ctx.type('group-name', 'Новости клуба');
    await ctx.click(ctx.$('next'));
    expect(ctx.root.textContent).toContain('Добавить подписчиков');
    await search(ctx, 'boris', [boris]);
    ctx.root.querySelector<HTMLInputElement>('[data-test=picker-user] input')!.click();
    await ctx.fixture.whenStable();
    await ctx.click(ctx.$('create'));

    const request = ctx.http.expectOne((r) => r.method === 'POST' && r.url === '/api/chats');
    expect(request.request.body).toEqual({ type: 'channel', name: 'Новости клуба', memberIds: [boris.id] });
    const chat = aChat([aMember(anna, 'owner'), aMember(boris)], { type: 'channel', name: 'Новости клуба' });
    request.flush(chat);
    await vi.waitFor(() => expect(ctx.created.map((c) => c.id)).toEqual([chat.id]));
    expect(TestBed.inject(ChatsStore).get(chat.id)?.type).toBe('channel');
  });

  it('shows the server’s refusal in place and keeps the choices', async () => {
    const ctx = await setup();
    await ctx.type('group-name', 'Книжный клуб');
    await ctx.click(ctx.$('next'));
    await search(ctx, 'boris', [boris]);
    ctx.root.querySelector<HTMLInputElement>('[data-test=picker-user] input')!.click();
    await ctx.fixture.whenStable();
    await ctx.click(ctx.$('create'));
    ctx.http
      .expectOne((r) => r.method === 'POST' && r.url === '/api/chats')
      .flush({ error: { code: 'GROUP_FULL', message: 'full' } }, { status: 409, statusText: 'Conflict' });
    await vi.waitFor(() => expect(ctx.$('create-error')?.textContent).toContain('максимум участников'));
    expect(ctx.created).toEqual([]);
    expect(ctx.root.textContent).toContain('Выбрано: 1');
  });
});
