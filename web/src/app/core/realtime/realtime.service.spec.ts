import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { WS_CLOSE } from '@messenger/contracts';
import { AuthStore } from '../auth/auth.store';
import { Realtime } from './realtime.service';

class FakeSocket {
  static made: FakeSocket[] = [];
  readyState = 0;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  sent: string[] = [];
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  receive(frame: unknown) {
    this.readyState = 1;
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

describe('Realtime', () => {
  let auth: AuthStore;
  let realtime: Realtime;

  beforeEach(() => {
    FakeSocket.made = [];
    vi.useFakeTimers();
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting()] });
    auth = TestBed.inject(AuthStore);
    realtime = TestBed.inject(Realtime);
    realtime.socketFactory = (url) => new FakeSocket(url) as unknown as WebSocket;
  });
  afterEach(() => vi.useRealTimers());

  const signIn = (token: string) => {
    auth.accessToken.set(token);
    TestBed.tick();
  };

  it('connects with the token once signed in, and announces a re-sync on ready', () => {
    const resyncs: number[] = [];
    realtime.resynced$.subscribe(() => resyncs.push(1));
    signIn('t1');
    expect(FakeSocket.made).toHaveLength(1);
    expect(FakeSocket.made[0]!.url).toContain('/ws?access_token=t1');
    FakeSocket.made[0]!.receive({ type: 'ready', data: { userId: 'u', gatewayId: 'g' } });
    expect(realtime.state()).toBe('online');
    expect(resyncs).toHaveLength(1);
  });

  it('hands frames to their listeners only', () => {
    signIn('t1');
    const seen: unknown[] = [];
    const stop = realtime.on('typing', (data) => seen.push(data));
    FakeSocket.made[0]!.receive({ type: 'typing', data: { chatId: 'c', userId: 'u' } });
    FakeSocket.made[0]!.receive({ type: 'pong', data: { at: 1 } });
    stop();
    FakeSocket.made[0]!.receive({ type: 'typing', data: { chatId: 'c2', userId: 'u' } });
    expect(seen).toEqual([{ chatId: 'c', userId: 'u' }]);
  });

  it('reconnects after a drop, refreshing the token first, and stops when signed out', async () => {
    const refresh = vi.spyOn(auth, 'refresh').mockResolvedValue(true);
    signIn('t1');
    FakeSocket.made[0]!.drop();
    expect(realtime.state()).toBe('offline');
    await vi.advanceTimersByTimeAsync(600);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(FakeSocket.made).toHaveLength(2);

    auth.accessToken.set(null);
    TestBed.tick();
    FakeSocket.made[1]!.drop();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(FakeSocket.made).toHaveLength(2);
  });

  it('comes back at once, with a refreshed token, when the server ends a socket whose token ran out', async () => {
    const refresh = vi.spyOn(auth, 'refresh').mockImplementation(async () => {
      auth.accessToken.set('t2');
      return true;
    });
    signIn('t1');
    FakeSocket.made[0]!.receive({ type: 'ready', data: { userId: 'u', gatewayId: 'g' } });
    FakeSocket.made[0]!.drop(WS_CLOSE.tokenExpired);
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(FakeSocket.made).toHaveLength(2);
    expect(FakeSocket.made[1]!.url).toContain('access_token=t2');
  });
});
