import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Chat } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { ChatsStore } from '../../../core/chats/chats.store';
import { Realtime } from '../../../core/realtime/realtime.service';
import { aChat, aMember, aUser, FakeRealtime } from '../../../testing/fakes';
import { RingMuteSwitchComponent } from './ring-mute-switch.component';

describe('RingMuteSwitch', () => {
  const me = aUser('Maria');
  const owner = aUser('Olga');

  const setup = async (ringMuted = false) => {
    localStorage.setItem('messenger.lang', 'en');
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: Realtime, useValue: new FakeRealtime() }],
    });
    const auth = TestBed.inject(AuthStore);
    auth.user.set(me);
    auth.status.set('signed-in');
    const chat = aChat([aMember(owner, 'owner'), { ...aMember(me), ringMuted }]);
    const chats = TestBed.inject(ChatsStore);
    chats.upsert(chat);
    const fixture = TestBed.createComponent(RingMuteSwitchComponent);
    // As in the members panel: the chat comes from the list, which the server's answer updates.
    fixture.componentRef.setInput('chat', chat);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const toggle = root.querySelector<HTMLButtonElement>('[data-test=ring-mute]')!;
    const follow = async () => {
      fixture.componentRef.setInput('chat', chats.get(chat.id));
      await fixture.whenStable();
    };
    return { chat, root, toggle, follow, http: TestBed.inject(HttpTestingController) };
  };

  const withMe = (chat: Chat, ringMuted: boolean): Chat => ({
    ...chat,
    participants: chat.participants.map((p) => (p.user.id === me.id ? { ...p, ringMuted } : p)),
  });

  it('is a labelled switch that shows the server’s state', async () => {
    const { toggle, root } = await setup(true);
    expect(toggle.getAttribute('role')).toBe('switch');
    expect(toggle.getAttribute('aria-checked')).toBe('true');
    const label = root.querySelector(`#${toggle.getAttribute('aria-labelledby')}`);
    expect(label?.textContent).toContain("Don't ring me in this chat");
  });

  it('asks the server for my own member entry and keeps what it answers', async () => {
    const { chat, toggle, http, follow } = await setup(false);
    toggle.click();
    const request = http.expectOne((r) => r.method === 'PATCH' && r.url === `/api/chats/${chat.id}/members/${me.id}`);
    expect(request.request.body).toEqual({ ringMuted: true });
    await follow();
    // On at once, and off-limits to a second click until the server answers.
    expect(toggle.getAttribute('aria-checked')).toBe('true');
    expect(toggle.disabled).toBe(true);
    request.flush(withMe(chat, true));
    await vi.waitFor(async () => {
      await follow();
      expect(toggle.disabled).toBe(false);
    });
    expect(toggle.getAttribute('aria-checked')).toBe('true');
  });

  it('goes back and says why when the server refuses', async () => {
    const { chat, toggle, http, root, follow } = await setup(false);
    toggle.click();
    await follow();
    expect(toggle.getAttribute('aria-checked')).toBe('true');
    http
      .expectOne(`/api/chats/${chat.id}/members/${me.id}`)
      .flush({ error: { code: 'SERVICE_UNAVAILABLE', message: 'down' } }, { status: 503, statusText: 'Unavailable' });
    await vi.waitFor(async () => {
      await follow();
      expect(toggle.getAttribute('aria-checked')).toBe('false');
    });
    const error = root.querySelector('[data-test=ring-mute-error]');
    expect(error?.getAttribute('role')).toBe('alert');
    expect(error?.textContent).toContain("Couldn't change the ring setting: The server is unavailable for a moment");
  });
});
