import { DOCUMENT, Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { Router } from '@angular/router';
import type { Call, Chat, Message } from '@messenger/contracts';
import { AuthStore } from '../auth/auth.store';
import { ChatsStore } from '../chats/chats.store';
import { I18n } from '../i18n/i18n.service';
import { PeopleStore } from '../people/people.store';
import { Realtime } from '../realtime/realtime.service';
import { callAlert, messageAlert, tabTitle, unreadBadge } from './alert-rules';
import { MessageSound } from './message-sound';

export type PermissionState = NotificationPermission | 'unsupported';

/** The user's own switches ('off' when turned off); both are on until turned off. */
const NOTIFY_KEY = 'messenger.notifications';
const SOUND_KEY = 'messenger.sound';
/** The chat list's "Enable notifications" offer, once dismissed, is not made again on this browser. */
const OFFER_KEY = 'messenger.notifications.offer';
const BODY_MAX = 160;

const stored = (key: string): string | null => {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
};
const store = (key: string, value: string): void => {
  try {
    localStorage.setItem(key, value);
  } catch {
    // private mode: the choice lasts for this page only
  }
};
const clip = (text: string): string => (text.length > BODY_MAX ? `${text.slice(0, BODY_MAX - 1)}…` : text);

/**
 * Telling the user about messages and calls while they look elsewhere: a system notification (the
 * Notification API) while the tab is hidden, a short sound, and the unread count in the tab's title.
 * The browser's permission is asked only when the user chooses to (the chat list offers it after their
 * first message of the session; the menu has the switch), never on load: a prompt nobody asked for gets
 * refused, and a refusal is for good.
 */
@Injectable({ providedIn: 'root' })
export class Notifications {
  private readonly document = inject(DOCUMENT);
  private readonly realtime = inject(Realtime);
  private readonly chats = inject(ChatsStore);
  private readonly auth = inject(AuthStore);
  private readonly people = inject(PeopleStore);
  private readonly i18n = inject(I18n);
  private readonly router = inject(Router);
  private readonly title = inject(Title);
  /** Shown notifications by tag, closed when what they announce is seen. */
  private readonly shown = new Map<string, Notification>();
  private readonly sentThisSession = signal(false);
  private readonly offerDismissed = signal(stored(OFFER_KEY) === 'dismissed');

  readonly permission = signal<PermissionState>(this.readPermission());
  /** The menu's "Notifications" switch (the browser's permission is asked when it is first turned on). */
  readonly enabled = signal(stored(NOTIFY_KEY) !== 'off');
  readonly soundOn = signal(stored(SOUND_KEY) !== 'off');
  /** Notifications will show: the browser allows them and the user has not turned them off. */
  readonly active = computed(() => this.permission() === 'granted' && this.enabled());
  /** The chat list's offer: after I sent a message (an answer is what I wait for), while the browser has not been asked. */
  readonly offer = computed(() => this.permission() === 'default' && this.sentThisSession() && !this.offerDismissed());
  /** Replaceable in tests. */
  sound: Pick<MessageSound, 'play' | 'unlock'> = new MessageSound();

  constructor() {
    this.realtime.on('message.created', (message) => this.onMessage(message));
    this.realtime.on('call.incoming', ({ call, callerId, ring }) => this.onCall(call, callerId, ring));
    this.realtime.on('call.ended', (call) => this.close(`call:${call.id}`));
    this.realtime.on('call.answered-elsewhere', ({ callId }) => this.close(`call:${callId}`));
    this.realtime.on('call.updated', (call) => {
      if (call.participants.includes(this.myId())) this.close(`call:${call.id}`);
    });

    effect(() => {
      const unread = this.auth.signedIn() ? unreadBadge(this.chats.all(), this.myId()) : 0;
      this.title.setTitle(tabTitle(this.i18n.t('app.name'), unread));
    });
    effect(() => {
      const chatId = this.chats.activeId();
      if (chatId) untracked(() => this.closeSeen());
    });
    effect(() => {
      if (this.auth.status() !== 'signed-out') return;
      untracked(() => {
        this.sentThisSession.set(false);
        for (const tag of [...this.shown.keys()]) this.close(tag);
      });
    });

    // The permission can change in the browser's site settings while the app runs.
    const recheck = () => {
      this.permission.set(this.readPermission());
      this.closeSeen();
    };
    this.document.addEventListener('visibilitychange', recheck);
    this.document.defaultView?.addEventListener('focus', recheck);
    const unlock = () => this.sound.unlock();
    this.document.addEventListener('pointerdown', unlock, { once: true, capture: true });
    this.document.addEventListener('keydown', unlock, { once: true, capture: true });
  }

  /** Asks the browser (from a click: browsers ignore or block a prompt without one). */
  async request(): Promise<void> {
    const api = this.api();
    if (!api) return;
    try {
      this.permission.set(await api.requestPermission());
    } catch {
      this.permission.set(this.readPermission());
    }
    if (this.permission() === 'granted') this.setEnabled(true);
    this.dismissOffer();
  }

  setEnabled(on: boolean): void {
    this.enabled.set(on);
    store(NOTIFY_KEY, on ? 'on' : 'off');
  }

  setSound(on: boolean): void {
    this.soundOn.set(on);
    store(SOUND_KEY, on ? 'on' : 'off');
  }

  dismissOffer(): void {
    this.offerDismissed.set(true);
    store(OFFER_KEY, 'dismissed');
  }

  private onMessage(message: Message): void {
    const myId = this.myId();
    if (message.senderId === myId) {
      this.sentThisSession.set(true);
      return;
    }
    const chat = this.chats.get(message.chatId);
    const alert = messageAlert({ message, chat, myId, hidden: this.hidden(), activeChatId: this.chats.activeId() });
    if (alert.sound && this.soundOn()) this.sound.play();
    if (alert.notify && chat) this.show(`chat:${chat.id}`, chat.name, this.messageBody(chat, message), this.iconOf(chat, message.senderId), chat.id);
  }

  private onCall(call: Call, callerId: string, ring: boolean): void {
    if (!callAlert({ ring, ended: call.status === 'ended', hidden: this.hidden() })) return;
    const chat = this.chats.get(call.chatId);
    const caller = this.people.get(callerId)?.name ?? chat?.name ?? this.i18n.t('system.someone');
    const video = call.type === 'video';
    const body =
      !chat || chat.type === 'personal'
        ? this.i18n.t(video ? 'call.incomingVideo' : 'call.incomingAudio')
        : this.i18n.t(video ? 'call.incomingGroupVideo' : 'call.incomingGroupAudio', { name: chat.name });
    this.show(`call:${call.id}`, caller, body, this.people.get(callerId)?.avatarUrl ?? null, call.chatId);
  }

  private messageBody(chat: Chat, message: Message): string {
    const text = message.text || (message.attachments?.length ? this.i18n.t('notifications.attachment') : '');
    // A channel speaks as itself; in a group the sender is named, as in the chat list.
    if (chat.type !== 'group' || !message.senderId) return clip(text);
    const sender = this.people.get(message.senderId)?.name ?? this.i18n.t('system.someone');
    return clip(`${sender}: ${text}`);
  }

  private iconOf(chat: Chat, senderId: string | null): string | null {
    const sender = senderId ? this.people.get(senderId)?.avatarUrl : null;
    return chat.type === 'personal' ? (sender ?? chat.avatarUrl) : (chat.avatarUrl ?? sender ?? null);
  }

  /**
   * `new Notification(...)` in the page, not a service worker's showNotification: the app has no worker, and
   * a page notification's click can focus this very tab. The constructor is read when needed, so a test may
   * wrap it after the app loaded.
   */
  private show(tag: string, title: string, body: string, icon: string | null, chatId: string): void {
    const api = this.api();
    // A test's wrapper of the constructor may not carry the static `permission`: then the last one read counts.
    if (!api || (api.permission ?? this.permission()) !== 'granted' || !this.enabled()) return;
    let notification: Notification;
    try {
      notification = new api(title, { body, tag, ...(icon ? { icon } : {}) });
    } catch {
      return; // Chrome on Android allows only a service worker's notifications
    }
    this.shown.get(tag)?.close();
    this.shown.set(tag, notification);
    notification.onclick = () => {
      this.document.defaultView?.focus();
      this.close(tag);
      void this.router.navigate(['/chats', chatId]);
    };
    notification.onclose = () => {
      if (this.shown.get(tag) === notification) this.shown.delete(tag);
    };
  }

  private close(tag: string): void {
    const notification = this.shown.get(tag);
    this.shown.delete(tag);
    notification?.close();
  }

  /** The open chat's notification goes once the user is looking at that chat. */
  private closeSeen(): void {
    const chatId = this.chats.activeId();
    if (chatId && !this.hidden()) this.close(`chat:${chatId}`);
  }

  private hidden(): boolean {
    return this.document.visibilityState === 'hidden';
  }

  private myId(): string {
    return this.auth.user()?.id ?? '';
  }

  private api(): typeof Notification | null {
    const api = (this.document.defaultView as (Window & { Notification?: typeof Notification }) | null)?.Notification;
    return typeof api === 'function' ? api : null;
  }

  private readPermission(): PermissionState {
    return this.api()?.permission ?? 'unsupported';
  }
}
