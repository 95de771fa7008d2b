import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { CallLogEntry, Chat } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { aLogEntry } from '../../../core/calls/call-history.testing';
import { CallsStore } from '../../../core/calls/calls.store';
import { Realtime } from '../../../core/realtime/realtime.service';
import { aChat, aMember, aUser, FakeRealtime } from '../../../testing/fakes';
import { CallHistoryPanelComponent } from './call-history-panel.component';

describe('CallHistoryPanel', () => {
  const me = aUser('Anna Ahmatova');
  const boris = aUser('Boris Pasternak');
  const clara = aUser('Clara Schumann');

  const setup = async (chat: Chat, lang: 'en' | 'ru' = 'en') => {
    localStorage.setItem('messenger.lang', lang);
    const calls = { busy: signal(false), active: signal(null), start: vi.fn(() => Promise.resolve()) };
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: Realtime, useValue: new FakeRealtime() },
        { provide: CallsStore, useValue: calls },
      ],
    });
    const auth = TestBed.inject(AuthStore);
    auth.user.set(me);
    auth.status.set('signed-in');
    const fixture = TestBed.createComponent(CallHistoryPanelComponent);
    fixture.componentRef.setInput('chat', chat);
    await fixture.whenStable();
    const http = TestBed.inject(HttpTestingController);
    const root = fixture.nativeElement as HTMLElement;
    const stable = () => fixture.whenStable();
    /** Answers the panel's request for the log (the latest one) and waits for the screen to show it. */
    const answer = async (items: CallLogEntry[] | 'fail') => {
      const request = http.expectOne((r) => r.url === `/api/chats/${chat.id}/calls`);
      if (items === 'fail') request.flush({ error: { code: 'SERVICE_UNAVAILABLE', message: 'down' } }, { status: 503, statusText: 'Unavailable' });
      else request.flush({ items, nextCursor: null });
      await vi.waitFor(async () => {
        await stable();
        expect(root.querySelector('[data-test=call-history-loading]')).toBeNull();
      });
    };
    const row = (id: string) => root.querySelector<HTMLElement>(`[data-test=call-entry][data-call-id="${id}"]`)!;
    const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    return { fixture, root, http, calls, answer, row, text, stable };
  };

  const personal = () => aChat([aMember(me), aMember(boris)], { type: 'personal', name: boris.name });
  const group = () => aChat([aMember(me, 'owner'), aMember(boris), aMember(clara)]);
  const at = (seconds: number) => new Date(Date.UTC(2026, 10, 25, 10, 0, seconds)).toISOString();

  it('asks for the chat’s log and labels each call as its viewer sees it', async () => {
    const chat = personal();
    const { answer, row, text } = await setup(chat);
    const declined = aLogEntry({ chatId: chat.id, initiatorId: me.id, endReason: 'declined', participants: [{ userId: me.id, joinedAt: at(0), leftAt: at(4) }] });
    const missed = aLogEntry({ chatId: chat.id, initiatorId: boris.id, type: 'video', endReason: 'missed' });
    const unanswered = aLogEntry({ chatId: chat.id, initiatorId: me.id, endReason: 'missed' });
    const busy = aLogEntry({ chatId: chat.id, initiatorId: me.id, endReason: 'busy' });
    const talked = aLogEntry({ chatId: chat.id, initiatorId: boris.id, answeredAt: at(5), endReason: 'hangup', durationSeconds: 65 });
    await answer([talked, declined, missed, unanswered, busy]);

    expect(row(declined.id).dataset['outcome']).toBe('declined');
    expect(text(row(declined.id).querySelector('[data-test=call-status]'))).toBe('Declined');
    expect(text(row(declined.id).querySelector('[data-test=call-initiator]'))).toBe('You called');
    expect(text(row(declined.id).querySelector('[data-test=call-type]'))).toBe('Audio call');
    // Read out as one line, not as words run together.
    expect(row(declined.id).querySelector('[data-test=call-summary]')?.getAttribute('aria-label')).toMatch(/^Audio call, Declined, You called, .+/);

    expect(text(row(missed.id).querySelector('[data-test=call-status]'))).toBe('Missed');
    expect(text(row(missed.id).querySelector('[data-test=call-type]'))).toBe('Video call');
    expect(text(row(missed.id).querySelector('[data-test=call-initiator]'))).toBe('Started by Boris Pasternak');
    // Missed is the red one, as in Telegram; the others each have their own look.
    expect(row(missed.id).querySelector('.call__icon--missed')).not.toBeNull();
    expect(row(declined.id).querySelector('.call__icon--declined')).not.toBeNull();

    expect(text(row(unanswered.id).querySelector('[data-test=call-status]'))).toBe('No answer');
    expect(text(row(busy.id).querySelector('[data-test=call-status]'))).toBe('Busy');

    expect(row(talked.id).querySelector('[data-test=call-status]')).toBeNull();
    expect(text(row(talked.id).querySelector('[data-test=call-duration]'))).toBe('1:05');
  });

  it('lists the calls under a heading per day, each row with its time of day', async () => {
    const chat = personal();
    const { answer, root, row, text } = await setup(chat);
    const now = new Date();
    const today = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 9, 30).toISOString();
    const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1, 23, 5).toISOString();
    const [late, early, before] = [aLogEntry({ chatId: chat.id, startedAt: today }), aLogEntry({ chatId: chat.id, startedAt: today }), aLogEntry({ chatId: chat.id, startedAt: yesterday })];
    await answer([late, early, before]);
    expect([...root.querySelectorAll('[data-test=call-day]')].map(text)).toEqual(['Today', 'Yesterday']);
    const time = new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit' });
    expect(text(row(before.id).querySelector('.call__when'))).toBe(`· ${time.format(new Date(yesterday)).replace(/\s+/g, ' ')}`);
  });

  it('says it in Russian too', async () => {
    const chat = personal();
    const { answer, row, text } = await setup(chat, 'ru');
    const missed = aLogEntry({ chatId: chat.id, initiatorId: boris.id, endReason: 'missed' });
    await answer([missed]);
    expect(text(row(missed.id).querySelector('[data-test=call-status]'))).toBe('Пропущен');
    expect(text(row(missed.id).querySelector('[data-test=call-type]'))).toBe('Аудиозвонок');
    expect(text(row(missed.id).querySelector('[data-test=call-initiator]'))).toBe('Инициатор: Boris Pasternak');
  });

  it('opens a row to who was in the call, with each join and leave time and their time in it', async () => {
    const chat = group();
    const { answer, row, text, stable, fixture, http } = await setup(chat);
    const call = aLogEntry({
      chatId: chat.id,
      initiatorId: me.id,
      type: 'video',
      answeredAt: at(3),
      endReason: 'empty',
      durationSeconds: 50,
      startedAt: at(0),
      endedAt: at(50),
      participants: [
        { userId: me.id, joinedAt: at(0), leftAt: at(50) },
        { userId: clara.id, joinedAt: at(3), leftAt: at(20) },
        { userId: clara.id, joinedAt: at(30), leftAt: at(40) },
      ],
    });
    await answer([call]);
    const summary = row(call.id).querySelector<HTMLButtonElement>('[data-test=call-summary]')!;
    expect(summary.getAttribute('aria-expanded')).toBe('false');
    expect(row(call.id).querySelector('[data-test=call-details]')).toBeNull();
    summary.click();
    await stable();
    expect(summary.getAttribute('aria-expanded')).toBe('true');

    const clock = new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit', second: '2-digit' });
    const t = (s: number) => clock.format(new Date(at(s)));
    const people = [...row(call.id).querySelectorAll('[data-test=call-participant]')];
    expect(people.map((p) => text(p.querySelector('.person__name')))).toEqual(['Anna Ahmatova (You)', 'Clara Schumann']);
    expect(people.map((p) => text(p.querySelector('.person__total')))).toEqual(['0:50', '0:27']);
    expect([...people[1]!.querySelectorAll('[data-test=call-stay]')].map(text)).toEqual([`${t(3)} – ${t(20)}`, `${t(30)} – ${t(40)}`]);

    // A push brings a new copy of the same chat: the row stays open and nothing is fetched again.
    fixture.componentRef.setInput('chat', { ...chat, unreadCount: 3 });
    await stable();
    expect(row(call.id).querySelector('[data-test=call-details]')).not.toBeNull();
    http.expectNone((r) => r.url === `/api/chats/${chat.id}/calls`);

    summary.click();
    await stable();
    expect(row(call.id).querySelector('[data-test=call-details]')).toBeNull();
  });

  it('"Call back" starts a call of the same kind in this chat, and is off while a call is connecting', async () => {
    const chat = group();
    const { answer, row, calls, stable } = await setup(chat);
    const video = aLogEntry({ chatId: chat.id, type: 'video', initiatorId: boris.id });
    await answer([video]);
    const back = row(video.id).querySelector<HTMLButtonElement>('[data-test=call-back]')!;
    expect(back.getAttribute('aria-label')).toBe('Call back');
    back.click();
    expect(calls.start).toHaveBeenCalledWith(chat.id, 'video');

    calls.busy.set(true);
    await stable();
    expect(back.disabled).toBe(true);
    expect(back.title).toBe('Connecting…');
  });

  it('"Call back" is off for a member who may not start calls, with the reason', async () => {
    const chat = aChat([aMember(boris, 'owner'), aMember(me, 'member', { canStartCall: false })]);
    const { answer, row } = await setup(chat);
    const call = aLogEntry({ chatId: chat.id, initiatorId: boris.id });
    await answer([call]);
    const back = row(call.id).querySelector<HTMLButtonElement>('[data-test=call-back]')!;
    expect(back.disabled).toBe(true);
    expect(back.title).toBe("You can't start calls in this chat");
  });

  it('has an empty state', async () => {
    const { answer, root, text } = await setup(personal());
    await answer([]);
    expect(text(root.querySelector('[data-test=call-history-empty]'))).toContain('No calls yet');
    expect(root.querySelector('[data-test=call-entry]')).toBeNull();
  });

  it('shows a failed load with the reason, and "Retry" loads again', async () => {
    const chat = personal();
    const { answer, root, text, stable } = await setup(chat);
    await answer('fail');
    const error = root.querySelector('[data-test=call-history-error]');
    expect(text(error)).toContain("Couldn't load the call history");
    expect(error?.getAttribute('role')).toBe('alert');
    root.querySelector<HTMLButtonElement>('[data-test=call-history-retry]')!.click();
    await stable();
    const call = aLogEntry({ chatId: chat.id });
    await answer([call]);
    expect(root.querySelector('[data-test=call-history-error]')).toBeNull();
    expect(root.querySelectorAll('[data-test=call-entry]')).toHaveLength(1);
  });
});
