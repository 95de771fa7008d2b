import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Call, CallLogEntry } from '@messenger/contracts';
import { FakeRealtime, newId } from '../../testing/fakes';
import { Api } from '../api/api.service';
import { ApiError } from '../api/api-error';
import { Realtime } from '../realtime/realtime.service';
import { ENTRY_RETRY_MS, FIRST_PAGE, MAX_PAGE, CallHistoryStore } from './call-history.store';
import { aLogEntry } from './call-history.testing';

type Answer = { items: CallLogEntry[] } | ApiError;

describe('CallHistoryStore', () => {
  /** An API whose answers the test hands out one request at a time. */
  const setup = () => {
    const requests: { chatId: string; limit: number; answer: (a: Answer) => void }[] = [];
    const api = {
      callLog: (chatId: string, limit: number) =>
        new Promise((resolve, reject) =>
          requests.push({ chatId, limit, answer: (a) => (a instanceof ApiError ? reject(a) : resolve({ ...a, nextCursor: null })) }),
        ),
    };
    const realtime = new FakeRealtime();
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), CallHistoryStore, { provide: Api, useValue: api }, { provide: Realtime, useValue: realtime }],
    });
    return { store: TestBed.inject(CallHistoryStore), requests, realtime };
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const ended = (chatId: string, id: string) => ({ id, chatId }) as Call;

  afterEach(() => vi.useRealTimers());

  it('loads the chat’s log and shows it', async () => {
    const { store, requests } = setup();
    const chatId = newId();
    store.open(chatId);
    expect(store.state()).toBe('loading');
    expect(requests.map((r) => [r.chatId, r.limit])).toEqual([[chatId, FIRST_PAGE]]);
    const entry = aLogEntry({ chatId });
    requests[0]!.answer({ items: [entry] });
    await settle();
    expect(store.state()).toBe('ready');
    expect(store.entries()).toEqual([entry]);
  });

  it('a failed first load is an error that retry clears', async () => {
    const { store, requests } = setup();
    store.open(newId());
    requests[0]!.answer(new ApiError(503, 'SERVICE_UNAVAILABLE', 'down'));
    await settle();
    expect(store.state()).toBe('error');
    expect(store.error()?.code).toBe('SERVICE_UNAVAILABLE');
    void store.retry();
    expect(store.state()).toBe('loading');
    requests[1]!.answer({ items: [] });
    await settle();
    expect(store.state()).toBe('ready');
    expect(store.error()).toBeNull();
  });

  it('a failed refresh keeps the calls on screen and says so', async () => {
    const { store, requests, realtime } = setup();
    store.open(newId());
    const entry = aLogEntry();
    requests[0]!.answer({ items: [entry] });
    await settle();
    realtime.resynced$.next();
    requests[1]!.answer(new ApiError(0, 'NETWORK', 'offline'));
    await settle();
    expect(store.state()).toBe('ready');
    expect(store.entries()).toEqual([entry]);
    expect(store.error()?.code).toBe('NETWORK');
  });

  it('an answer for the chat shown before never replaces the one shown now', async () => {
    const { store, requests } = setup();
    const [first, second] = [newId(), newId()];
    store.open(first);
    store.open(second);
    const now = aLogEntry({ chatId: second });
    requests[1]!.answer({ items: [now] });
    requests[0]!.answer({ items: [aLogEntry({ chatId: first })] });
    await settle();
    expect(store.entries()).toEqual([now]);
  });

  it('when a call of this chat ends, asks again until its line is in the log', async () => {
    vi.useFakeTimers();
    const { store, requests, realtime } = setup();
    const chatId = newId();
    store.open(chatId);
    requests[0]!.answer({ items: [] });
    await vi.advanceTimersByTimeAsync(0);

    const call = aLogEntry({ chatId });
    realtime.push('call.ended', ended(chatId, call.id));
    await vi.advanceTimersByTimeAsync(ENTRY_RETRY_MS[0]!);
    expect(requests).toHaveLength(2);
    // The log line is not written yet: the next try comes a little later.
    requests[1]!.answer({ items: [] });
    await vi.advanceTimersByTimeAsync(ENTRY_RETRY_MS[1]! - 1);
    expect(requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(3);
    requests[2]!.answer({ items: [call] });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(store.entries()).toEqual([call]);
    expect(requests).toHaveLength(3);
  });

  it('gives up after its last try, and ignores calls of other chats', async () => {
    vi.useFakeTimers();
    const { store, requests, realtime } = setup();
    const chatId = newId();
    store.open(chatId);
    requests[0]!.answer({ items: [] });
    await vi.advanceTimersByTimeAsync(0);
    realtime.push('call.ended', ended(newId(), 'c_elsewhere'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(1);

    realtime.push('call.ended', ended(chatId, 'c_neverlogged'));
    for (let i = 0; i < ENTRY_RETRY_MS.length; i++) {
      await vi.advanceTimersByTimeAsync(10_000);
      requests.at(-1)!.answer({ items: [] });
    }
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(1 + ENTRY_RETRY_MS.length);
  });

  it('shows more on request, up to what the server hands out', async () => {
    const { store, requests } = setup();
    store.open(newId());
    requests[0]!.answer({ items: Array.from({ length: FIRST_PAGE }, () => aLogEntry()) });
    await settle();
    expect(store.more()).toBe(true);
    void store.showMore();
    expect(requests[1]!.limit).toBe(MAX_PAGE);
    requests[1]!.answer({ items: Array.from({ length: FIRST_PAGE + 5 }, () => aLogEntry()) });
    await settle();
    expect(store.more()).toBe(false);
  });
});
