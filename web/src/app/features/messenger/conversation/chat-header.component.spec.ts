import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MUTED_FOREVER, type Chat } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { ChatsStore } from '../../../core/chats/chats.store';
import { Realtime } from '../../../core/realtime/realtime.service';
import { aChat, aMember, aUser, FakeRealtime } from '../../../testing/fakes';
import { ChatHeaderComponent } from './chat-header.component';

describe('ChatHeader', () => {
  const anna = aUser('Anna');
  const boris = aUser('Boris');

  const setup = async (chat: Chat) => {
    localStorage.setItem('messenger.lang', 'en');
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: Realtime, useValue: new FakeRealtime() }],
    });
    const auth = TestBed.inject(AuthStore);
    auth.user.set(anna);
    auth.status.set('signed-in');
    const store = TestBed.inject(ChatsStore);
    store.upsert(chat);
    const fixture = TestBed.createComponent(ChatHeaderComponent);
    fixture.componentRef.setInput('chat', chat);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    /** The menu opens in an overlay, outside the component. */
    const openMenu = async () => {
      root.querySelector<HTMLButtonElement>('[data-test=chat-menu]')!.click();
      await fixture.whenStable();
      return document.querySelector<HTMLElement>('[data-test=chat-menu-panel]')!;
    };
    return { fixture, root, store, openMenu, http: TestBed.inject(HttpTestingController) };
  };

  it('counts a channel’s subscribers and a group’s members', async () => {
    const people = [aMember(boris, 'owner'), aMember(anna)];
    expect((await setup(aChat(people, { type: 'channel', memberCount: 1204 }))).root.querySelector('[data-test=chat-subtitle]')!.textContent).toBe('1204 subscribers');
    TestBed.resetTestingModule();
    expect((await setup(aChat(people, { memberCount: 2 }))).root.querySelector('[data-test=chat-subtitle]')!.textContent).toBe('2 members');
  });

  it('mutes from the menu: for an hour, eight hours or for good, and then offers to unmute', async () => {
    const chat = aChat([aMember(boris, 'owner'), aMember(anna)]);
    const { openMenu, http, fixture, root, store } = await setup(chat);
    let menu = await openMenu();
    expect([...menu.querySelectorAll('[data-test^=mute-]')].map((el) => el.getAttribute('data-test'))).toEqual(['mute-1h', 'mute-8h', 'mute-forever']);
    menu.querySelector<HTMLButtonElement>('[data-test=mute-forever]')!.click();
    const request = http.expectOne((r) => r.method === 'PATCH' && r.url === `/api/chats/${chat.id}/members/${anna.id}`);
    expect(request.request.body).toEqual({ muteFor: 'forever' });
    const muted = { ...chat, participants: chat.participants.map((p) => (p.user.id === anna.id ? { ...p, mutedUntil: MUTED_FOREVER } : p)) };
    request.flush(muted);
    await vi.waitFor(() => expect(store.get(chat.id)!.participants[1]!.mutedUntil).toBe(MUTED_FOREVER));
    fixture.componentRef.setInput('chat', store.get(chat.id));
    await fixture.whenStable();
    expect(root.querySelector('[data-test=chat-muted-badge]')).not.toBeNull();

    menu = await openMenu();
    expect([...menu.querySelectorAll('[data-test^=mute-]')].map((el) => el.getAttribute('data-test'))).toEqual(['mute-off']);
  });
});
