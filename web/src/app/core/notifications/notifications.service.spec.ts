import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { Router, provideRouter } from '@angular/router';
import { MUTED_FOREVER, type Call } from '@messenger/contracts';
import { aChat, aMember, aMessage, aUser, FakeRealtime } from '../../testing/fakes';
import { AuthStore } from '../auth/auth.store';
import { ChatsStore } from '../chats/chats.store';
import { Realtime } from '../realtime/realtime.service';
import { Notifications } from './notifications.service';

/** Stands in for the browser's Notification: records what was shown, as the browser journey's wrapper does. */
class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static answer: NotificationPermission = 'granted';
  static made: FakeNotification[] = [];
  static requestPermission = vi.fn(async () => {
    FakeNotification.permission = FakeNotification.answer;
    return FakeNotification.answer;
  });
  onclick: (() => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;

  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    FakeNotification.made.push(this);
  }

  close(): void {
    this.closed = true;
  }
}

describe('Notifications', () => {
  const anna = aUser('Anna');
  const boris = aUser('Boris');
  const original = Object.getOwnPropertyDescriptor(window, 'Notification');

  const setVisibility = (state: DocumentVisibilityState) => {
    Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  };

  const setup = (permission: NotificationPermission = 'granted') => {
    localStorage.clear();
    localStorage.setItem('messenger.lang', 'en');
    FakeNotification.permission = permission;
    FakeNotification.made = [];
    FakeNotification.requestPermission.mockClear();
    Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true, writable: true });
    const realtime = new FakeRealtime();
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), provideRouter([]), { provide: Realtime, useValue: realtime }],
    });
    const auth = TestBed.inject(AuthStore);
    auth.user.set(anna);
    auth.status.set('signed-in');
    const chats = TestBed.inject(ChatsStore);
    const notifications = TestBed.inject(Notifications);
    const sound = { play: vi.fn(), unlock: vi.fn() };
    notifications.sound = sound;
    const personal = aChat([aMember(anna), aMember(boris)], { type: 'personal', name: 'Boris' });
    const group = aChat([aMember(boris, 'owner'), aMember(anna)], { name: 'Книжный клуб' });
    chats.upsert(personal);
    chats.upsert(group);
    return { realtime, chats, notifications, sound, personal, group };
  };

  afterEach(() => {
    delete (document as { visibilityState?: unknown }).visibilityState;
    if (original) Object.defineProperty(window, 'Notification', original);
    else delete (window as { Notification?: unknown }).Notification;
  });

  it('shows a new message while the tab is hidden, and none while it is on screen', () => {
    const { realtime, personal, group, sound } = setup();
    setVisibility('visible');
    realtime.push('message.created', aMessage(personal.id, 1, boris.id, 'on screen'));
    expect(FakeNotification.made).toHaveLength(0);
    // Not the chat on screen: the sound still tells.
    expect(sound.play).toHaveBeenCalledTimes(1);

    setVisibility('hidden');
    realtime.push('message.created', aMessage(personal.id, 2, boris.id, 'привет'));
    realtime.push('message.created', aMessage(group.id, 3, boris.id, 'в четверг'));
    expect(FakeNotification.made.map((n) => [n.title, n.options])).toEqual([
      ['Boris', { body: 'привет', tag: `chat:${personal.id}` }],
      ['Книжный клуб', { body: 'Boris: в четверг', tag: `chat:${group.id}` }],
    ]);
  });

  it('stays quiet for my own messages and for a chat I muted, unless it mentions me', () => {
    const { realtime, chats, group, sound } = setup();
    setVisibility('hidden');
    realtime.push('message.created', aMessage(group.id, 1, anna.id, 'mine'));
    chats.upsert({ ...group, participants: group.participants.map((p) => (p.user.id === anna.id ? { ...p, mutedUntil: MUTED_FOREVER } : p)) });
    realtime.push('message.created', aMessage(group.id, 2, boris.id, 'muted'));
    expect(FakeNotification.made).toHaveLength(0);
    expect(sound.play).not.toHaveBeenCalled();

    realtime.push('message.created', { ...aMessage(group.id, 3, boris.id, '@anna look'), mentions: [anna.id] });
    expect(FakeNotification.made.map((n) => n.options.body)).toEqual(['Boris: @anna look']);
  });

  it('a click brings the tab forward, opens the chat and closes the notification', async () => {
    const { realtime, personal } = setup();
    const router = TestBed.inject(Router);
    const navigate = vi.spyOn(router, 'navigate').mockResolvedValue(true);
    const focus = vi.spyOn(window, 'focus').mockImplementation(() => undefined);
    setVisibility('hidden');
    realtime.push('message.created', aMessage(personal.id, 1, boris.id, 'привет'));
    const shown = FakeNotification.made[0]!;
    shown.onclick!();
    expect(focus).toHaveBeenCalled();
    expect(navigate).toHaveBeenCalledWith(['/chats', personal.id]);
    expect(shown.closed).toBe(true);
  });

  it('shows a call that rings me while hidden, and closes it when the call ends', () => {
    const { realtime, group } = setup();
    setVisibility('hidden');
    const call: Call = {
      id: 'c_abcdefghijklmnop',
      chatId: group.id,
      chatType: 'group',
      type: 'video',
      status: 'ringing',
      initiatorId: boris.id,
      participants: [boris.id],
      invited: [anna.id],
      createdAt: '2026-12-01T10:00:00.000Z',
      answeredAt: null,
      endedAt: null,
      endReason: null,
    };
    realtime.push('call.incoming', { call, callerId: boris.id, ring: false, url: 'ws://livekit' });
    expect(FakeNotification.made).toHaveLength(0);
    realtime.push('call.incoming', { call, callerId: boris.id, ring: true, url: 'ws://livekit' });
    expect(FakeNotification.made.map((n) => [n.title, n.options])).toEqual([['Boris', { body: 'Video call in “Книжный клуб”', tag: `call:${call.id}` }]]);
    realtime.push('call.ended', { ...call, status: 'ended', endReason: 'hangup' });
    expect(FakeNotification.made[0]!.closed).toBe(true);
  });

  it('counts the unread in the tab title', () => {
    const { realtime, personal, group } = setup();
    setVisibility('hidden');
    TestBed.tick();
    expect(TestBed.inject(Title).getTitle()).toBe('Messenger');
    realtime.push('message.created', aMessage(personal.id, 1, boris.id));
    realtime.push('message.created', aMessage(personal.id, 2, boris.id));
    realtime.push('message.created', aMessage(group.id, 3, boris.id));
    TestBed.tick();
    expect(TestBed.inject(Title).getTitle()).toBe('(3) Messenger');
  });

  it('offers to ask the browser only after I sent a message, and asks on the click', async () => {
    const { realtime, notifications, personal } = setup('default');
    expect(notifications.offer()).toBe(false);
    realtime.push('message.created', aMessage(personal.id, 1, anna.id, 'hi'));
    expect(notifications.offer()).toBe(true);
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled();

    await notifications.request();
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
    expect(notifications.permission()).toBe('granted');
    expect(notifications.active()).toBe(true);
    expect(notifications.offer()).toBe(false);
  });

  it('a dismissed offer is not made again, and the menu switch turns notifications off', () => {
    const { realtime, notifications, personal } = setup('default');
    realtime.push('message.created', aMessage(personal.id, 1, anna.id, 'hi'));
    notifications.dismissOffer();
    expect(notifications.offer()).toBe(false);
    expect(localStorage.getItem('messenger.notifications.offer')).toBe('dismissed');

    FakeNotification.permission = 'granted';
    setVisibility('hidden');
    expect(notifications.permission()).toBe('granted');
    notifications.setEnabled(false);
    realtime.push('message.created', aMessage(personal.id, 2, boris.id, 'quiet'));
    expect(FakeNotification.made).toHaveLength(0);
  });
});
