import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { MUTED_FOREVER, type Chat } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { ChatsStore } from '../../../core/chats/chats.store';
import { Realtime } from '../../../core/realtime/realtime.service';
import { aChat, aMember, aMessage, aUser, FakeRealtime } from '../../../testing/fakes';
import { ChatListComponent } from './chat-list.component';

describe('ChatList', () => {
  const anna = aUser('Anna');
  const boris = aUser('Boris');

  const setup = async (chats: Chat[]) => {
    localStorage.clear();
    localStorage.setItem('messenger.lang', 'en');
    const realtime = new FakeRealtime();
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), provideRouter([]), { provide: Realtime, useValue: realtime }],
    });
    const auth = TestBed.inject(AuthStore);
    auth.user.set(anna);
    auth.status.set('signed-in');
    const store = TestBed.inject(ChatsStore);
    for (const chat of chats) store.upsert(chat);
    store.state.set('ready');
    const fixture = TestBed.createComponent(ChatListComponent);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const row = (chat: Chat) => root.querySelector<HTMLElement>(`[data-chat-id="${chat.id}"]`)!;
    return { fixture, root, row, realtime };
  };

  it('marks a muted chat, greys its unread count, and shows mentions apart from it', async () => {
    const muted = aChat([{ ...aMember(anna), mutedUntil: MUTED_FOREVER }, aMember(boris, 'owner')], { name: 'Тихий', unreadCount: 12, mentionCount: 2 });
    const loud = aChat([aMember(anna), aMember(boris, 'owner')], { name: 'Громкий', unreadCount: 3 });
    const { row } = await setup([muted, loud]);

    expect(row(muted).querySelector('[data-test=chat-muted]')).not.toBeNull();
    expect(row(muted).querySelector('[data-test=unread]')!.classList).toContain('row__unread--muted');
    const mention = row(muted).querySelector('[data-test=mention-badge]')!;
    expect(mention.textContent).toBe('@');
    expect(mention.getAttribute('data-count')).toBe('2');
    expect(mention.getAttribute('aria-label')).toBe('2 mentions');

    expect(row(loud).querySelector('[data-test=chat-muted]')).toBeNull();
    expect(row(loud).querySelector('[data-test=unread]')!.classList).not.toContain('row__unread--muted');
    expect(row(loud).querySelector('[data-test=mention-badge]')).toBeNull();
  });

  it('says "Message deleted" when the last message is deleted', async () => {
    const chat = aChat([aMember(anna), aMember(boris, 'owner')]);
    const { row, realtime, fixture } = await setup([chat]);
    const last = aMessage(chat.id, 1, boris.id, 'oops');
    realtime.push('message.created', last);
    await fixture.whenStable();
    expect(row(chat).querySelector('[data-test=chat-preview]')!.textContent).toBe('Boris: oops');
    realtime.push('message.deleted', { chatId: chat.id, messageId: last.id, seq: 1 });
    await fixture.whenStable();
    expect(row(chat).querySelector('[data-test=chat-preview]')!.textContent).toBe('Message deleted');
  });

  it('offers notifications after my first message, when the browser has not been asked', async () => {
    const original = Object.getOwnPropertyDescriptor(window, 'Notification');
    const requestPermission = vi.fn(async () => 'granted' as const);
    Object.defineProperty(window, 'Notification', { value: Object.assign(function Notification() {}, { permission: 'default', requestPermission }), configurable: true, writable: true });
    try {
      const chat = aChat([aMember(anna), aMember(boris, 'owner')]);
      const { root, realtime, fixture } = await setup([chat]);
      expect(root.querySelector('[data-test=notifications-offer]')).toBeNull();
      realtime.push('message.created', aMessage(chat.id, 1, anna.id, 'hi'));
      await fixture.whenStable();
      root.querySelector<HTMLButtonElement>('[data-test=notifications-enable]')!.click();
      expect(requestPermission).toHaveBeenCalled();
      await vi.waitFor(async () => {
        await fixture.whenStable();
        expect(root.querySelector('[data-test=notifications-offer]')).toBeNull();
      });
    } finally {
      if (original) Object.defineProperty(window, 'Notification', original);
      else delete (window as { Notification?: unknown }).Notification;
    }
  });
});
