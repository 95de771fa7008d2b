import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MUTED_FOREVER } from '@messenger/contracts';
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

  it('an edit of the last message changes the preview; an edit of an older one does not', () => {
    const { store, realtime } = setup();
    const chat = aChat([aMember(anna, 'owner'), aMember(boris)]);
    store.upsert(chat);
    const older = aMessage(chat.id, 1, boris.id, 'first');
    const last = aMessage(chat.id, 2, boris.id, 'second');
    realtime.push('message.created', older);
    realtime.push('message.created', last);
    realtime.push('message.updated', { ...older, text: 'first, edited', editedAt: '2026-11-25T11:00:00.000Z' });
    expect(store.get(chat.id)!.lastMessage?.text).toBe('second');
    realtime.push('message.updated', { ...last, text: 'second, edited', editedAt: '2026-11-25T11:00:00.000Z' });
    expect(store.get(chat.id)!.lastMessage).toMatchObject({ id: last.id, text: 'second, edited', deleted: false });
  });

  it('a deleted last message leaves "deleted" in the preview, by either push', () => {
    const { store, realtime } = setup();
    const chat = aChat([aMember(anna, 'owner'), aMember(boris)]);
    const other = aChat([aMember(anna, 'owner'), aMember(boris)]);
    store.upsert(chat);
    store.upsert(other);
    const last = aMessage(chat.id, 2, boris.id, 'oops');
    realtime.push('message.created', last);
    realtime.push('message.deleted', { chatId: chat.id, messageId: 'ffffffffffffffffffffffff', seq: 1 });
    expect(store.get(chat.id)!.lastMessage).toMatchObject({ text: 'oops', deleted: false });
    realtime.push('message.deleted', { chatId: chat.id, messageId: last.id, seq: 2 });
    expect(store.get(chat.id)!.lastMessage).toMatchObject({ id: last.id, text: '', deleted: true });

    const gone = aMessage(other.id, 4, boris.id, 'gone');
    realtime.push('message.created', gone);
    realtime.push('message.updated', { ...gone, text: '', deletedAt: '2026-11-25T11:00:00.000Z' });
    expect(store.get(other.id)!.lastMessage).toMatchObject({ text: '', deleted: true });
  });

  it('counts mentions of me in chats I do not have open, and forgets them as they are read', () => {
    const { store, realtime } = setup();
    const chat = aChat([aMember(anna), aMember(boris, 'owner')]);
    store.upsert(chat);
    const mention = (seq: number, ids: string[]) => ({ ...aMessage(chat.id, seq, boris.id, `@anna ${seq}`), mentions: ids });
    realtime.push('message.created', mention(1, [anna.id]));
    realtime.push('message.created', mention(2, [boris.id]));
    realtime.push('message.created', mention(3, [anna.id]));
    expect(store.get(chat.id)).toMatchObject({ unreadCount: 3, mentionCount: 2 });

    // Partly read: no more mentions than unread remain; all read: none.
    realtime.push('message.read', { chatId: chat.id, userId: anna.id, seq: 2, unreadCount: 1 });
    expect(store.get(chat.id)).toMatchObject({ unreadCount: 1, mentionCount: 1 });
    store.setUnread(chat.id, 0);
    expect(store.get(chat.id)).toMatchObject({ unreadCount: 0, mentionCount: 0 });

    // In the chat on screen a mention is read as it arrives.
    store.activeId.set(chat.id);
    realtime.push('message.created', mention(4, [anna.id]));
    expect(store.get(chat.id)!.mentionCount).toBe(0);
  });

  it('mutes at once, keeps the server’s answer, and puts the old state back when refused', async () => {
    const { store, http } = setup();
    const chat = aChat([aMember(anna), aMember(boris, 'owner')]);
    store.upsert(chat);
    const mine = () => store.get(chat.id)!.participants.find((p) => p.user.id === anna.id)!.mutedUntil;

    const muting = store.mute(chat.id, 'forever');
    expect(mine()).toBe(MUTED_FOREVER);
    const request = http.expectOne(`/api/chats/${chat.id}/members/${anna.id}`);
    expect(request.request.method).toBe('PATCH');
    expect(request.request.body).toEqual({ muteFor: 'forever' });
    const answer = { ...chat, participants: chat.participants.map((p) => (p.user.id === anna.id ? { ...p, mutedUntil: MUTED_FOREVER } : p)) };
    request.flush(answer);
    await muting;
    expect(mine()).toBe(MUTED_FOREVER);

    const unmuting = store.mute(chat.id, 'off');
    expect(mine()).toBeNull();
    http.expectOne(`/api/chats/${chat.id}/members/${anna.id}`).flush({ error: { code: 'SERVICE_UNAVAILABLE', message: 'down' } }, { status: 503, statusText: 'Unavailable' });
    await expect(unmuting).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(mine()).toBe(MUTED_FOREVER);
  });
});
