import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AuthStore } from '../../../core/auth/auth.store';
import { Notifications } from '../../../core/notifications/notifications.service';
import { Realtime } from '../../../core/realtime/realtime.service';
import { aUser, FakeRealtime } from '../../../testing/fakes';
import { MenuModalComponent } from './menu-modal.component';

describe('MenuModal', () => {
  const original = Object.getOwnPropertyDescriptor(window, 'Notification');
  afterEach(() => {
    if (original) Object.defineProperty(window, 'Notification', original);
    else delete (window as { Notification?: unknown }).Notification;
  });

  const setup = async (permission: NotificationPermission) => {
    localStorage.clear();
    localStorage.setItem('messenger.lang', 'en');
    const browser = { permission, requestPermission: vi.fn(async () => (browser.permission = 'granted')) };
    Object.defineProperty(window, 'Notification', { value: Object.assign(function Notification() {}, browser), configurable: true, writable: true });
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), provideRouter([]), { provide: Realtime, useValue: new FakeRealtime() }],
    });
    const auth = TestBed.inject(AuthStore);
    auth.user.set(aUser('Anna'));
    auth.status.set('signed-in');
    const fixture = TestBed.createComponent(MenuModalComponent);
    const opened: string[] = [];
    fixture.componentInstance.profile.subscribe(() => opened.push('profile'));
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const $ = (test: string) => root.querySelector<HTMLButtonElement>(`[data-test=${test}]`)!;
    return { fixture, $, browser, opened, notifications: TestBed.inject(Notifications) };
  };

  it('opens my profile', async () => {
    const { $, opened } = await setup('default');
    $('menu-profile').click();
    expect(opened).toEqual(['profile']);
  });

  it('asks the browser when notifications are first turned on', async () => {
    const { $, browser, fixture } = await setup('default');
    expect($('menu-notifications').getAttribute('aria-checked')).toBe('false');
    $('menu-notifications').click();
    expect(browser.requestPermission).toHaveBeenCalledTimes(1);
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect($('menu-notifications').getAttribute('aria-checked')).toBe('true');
    });
  });

  it('once allowed, is the app’s own switch; blocked in the browser, it cannot be turned on here', async () => {
    const granted = await setup('granted');
    granted.$('menu-notifications').click();
    await granted.fixture.whenStable();
    expect(granted.$('menu-notifications').getAttribute('aria-checked')).toBe('false');
    expect(granted.notifications.enabled()).toBe(false);
    expect(granted.browser.requestPermission).not.toHaveBeenCalled();

    TestBed.resetTestingModule();
    const denied = await setup('denied');
    expect(denied.$('menu-notifications').disabled).toBe(true);
    expect(denied.$('menu-notifications').textContent).toContain('Blocked in the browser');
  });

  it('turns the message sound off and on', async () => {
    const { $, fixture, notifications } = await setup('default');
    $('menu-sound').click();
    await fixture.whenStable();
    expect(notifications.soundOn()).toBe(false);
    expect($('menu-sound').getAttribute('aria-checked')).toBe('false');
    expect(localStorage.getItem('messenger.sound')).toBe('off');
  });
});
