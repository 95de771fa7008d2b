import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { aChat, aMember, aMessage, aUser, FakeRealtime } from '../../testing/fakes';
import { AuthStore } from '../auth/auth.store';
import { Realtime } from '../realtime/realtime.service';
import { ChatsStore } from './chats.store';

/** Where the calls service says LiveKit is (the incoming frame carries it, so a ringing page can warm up). */
const LIVEKIT = 'ws://127.0.0.1:7880';

describe('ChatsStore', () => {
  const anna = aUser('Anna');
  const boris = aUser('Boris');

  const setup = () => {
    const realtime = new FakeRealtime();
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: Realtime, useValue: realtime }],
    });
    const auth = TestBed.inject(AuthStore);
    auth.user.set(anna);
    auth.status.set('signed-in');
    const store = TestBed.inject(ChatsStore);
    return { store, realtime, http: TestBed.inject(HttpTestingController) };
  };

  it('loads the list and keeps it ordered by the latest activity as messages arrive', async () => {
    const { store, realtime, http } = setup();
    const older = aChat([aMember(anna, 'owner'), aMember(boris)], { name: 'Older', updatedAt: '2026-11-20T10:00:00.000Z' });
    const newer = aChat([aMember(anna, 'owner'), aMember(boris)], { name: 'Newer', updatedAt: '2026-11-21T10:00:00.000Z' });
    const loading = store.load();
    http.expectOne('/api/chats').flush({ items: [older, newer], nextCursor: null });
    await loading;
    expect(store.all().map((c) => c.name)).toEqual(['Newer', 'Older']);

    realtime.push('message.created', aMessage(older.id, 2, boris.id, 'news'));
    expect(store.all().map((c) => c.name)).toEqual(['Older', 'Newer']);
    expect(store.get(older.id)!.unreadCount).toBe(1);
    expect(store.get(older.id)!.lastMessage?.text).toBe('news');

    // My own message is not unread for me.
    realtime.push('message.created', aMessage(older.id, 3, anna.id, 'mine'));
    expect(store.get(older.id)!.unreadCount).toBe(1);
  });

  it('re-fetches the list after every reconnect, so pushes missed while offline cost nothing', async () => {
    const { store, realtime, http } = setup();
    realtime.resynced$.next();
    http.expectOne('/api/chats').flush({ items: [], nextCursor: null });
    await Promise.resolve();
    const chat = aChat([aMember(anna), aMember(boris, 'owner')]);
    realtime.resynced$.next();
    http.expectOne('/api/chats').flush({ items: [chat], nextCursor: null });
    await vi.waitFor(() => expect(store.all()).toHaveLength(1));
  });

  it('drops a chat I was removed from and says so if it was open; others leaving only shrink it', async () => {
    const { store, realtime } = setup();
    const clara = aUser('Clara');
    const chat = aChat([aMember(boris, 'owner'), aMember(anna), aMember(clara)]);
    store.upsert(chat);
    store.activeId.set(chat.id);

    realtime.push('chat.member.removed', { chatId: chat.id, userIds: [clara.id] });
    expect(store.get(chat.id)!.participants.map((p) => p.user.id)).toEqual([boris.id, anna.id]);
    expect(store.get(chat.id)!.memberCount).toBe(2);

    realtime.push('chat.member.removed', { chatId: chat.id, userIds: [anna.id] });
    expect(store.get(chat.id)).toBeNull();
    expect(store.departure()).toEqual({ chatId: chat.id, reason: 'removed' });
  });

  it('marks and clears the live call, and applies role changes in place', () => {
    const { store, realtime } = setup();
    const chat = aChat([aMember(anna, 'owner'), aMember(boris)]);
    store.upsert(chat);
    const call = {
      id: 'c_abcdefghijklmnop',
      chatId: chat.id,
      chatType: 'group' as const,
      type: 'audio' as const,
      status: 'ringing' as const,
      initiatorId: boris.id,
      participants: [boris.id],
      invited: [anna.id],
      createdAt: '2026-11-25T10:00:00.000Z',
      answeredAt: null,
      endedAt: null,
      endReason: null,
    };
    realtime.push('call.incoming', { call, callerId: boris.id, ring: true, url: LIVEKIT });
    expect(store.get(chat.id)!.liveCallId).toBe(call.id);
    realtime.push('call.ended', { ...call, status: 'ended', endReason: 'hangup' });
    expect(store.get(chat.id)!.liveCallId).toBeNull();

    const admin = { canAddMembers: true, canRemoveMembers: true, canEditInfo: true, canStartCall: true };
    realtime.push('chat.member.updated', { chatId: chat.id, userId: boris.id, role: 'admin', permissions: admin });
    expect(store.get(chat.id)!.participants.find((p) => p.user.id === boris.id)!.role).toBe('admin');
  });

  it('moves the read tick when another member reads or writes, but not for my own reading', () => {
    const { store, realtime } = setup();
    const chat = aChat([aMember(anna, 'owner'), aMember(boris)]);
    store.upsert(chat);
    realtime.push('message.read', { chatId: chat.id, userId: boris.id, seq: 4, unreadCount: 0 });
    expect(store.get(chat.id)!.othersReadSeq).toBe(4);
    realtime.push('message.read', { chatId: chat.id, userId: anna.id, seq: 9, unreadCount: 0 });
    expect(store.get(chat.id)!.othersReadSeq).toBe(4);
    realtime.push('message.created', aMessage(chat.id, 7, boris.id));
    expect(store.get(chat.id)!.othersReadSeq).toBe(7);
    // A late, older read never moves it back.
    realtime.push('message.read', { chatId: chat.id, userId: boris.id, seq: 5, unreadCount: 2 });
    expect(store.get(chat.id)!.othersReadSeq).toBe(7);
  });

  it('filters by chat name and by a member’s username', () => {
    const { store } = setup();
    store.upsert(aChat([aMember(anna), aMember(boris)], { name: 'Книжный клуб' }));
    store.upsert(aChat([aMember(anna), aMember(aUser('Clara'))], { name: 'Работа' }));
    store.filter.set('книж');
    expect(store.visible().map((c) => c.name)).toEqual(['Книжный клуб']);
    store.filter.set('clara');
    expect(store.visible().map((c) => c.name)).toEqual(['Работа']);
  });
});
