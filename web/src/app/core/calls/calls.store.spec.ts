import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Call } from '@messenger/contracts';
import { aUser, FakeRealtime, newId } from '../../testing/fakes';
import { AuthStore } from '../auth/auth.store';
import { Realtime } from '../realtime/realtime.service';
import { CallsStore } from './calls.store';

describe('CallsStore: ringing', () => {
  const me = aUser('Me');
  const caller = aUser('Caller');

  const aCall = (overrides: Partial<Call> = {}): Call => ({
    id: `c_${newId().slice(-20)}`,
    chatId: newId(),
    chatType: 'personal',
    type: 'video',
    status: 'ringing',
    initiatorId: caller.id,
    participants: [caller.id],
    invited: [me.id],
    createdAt: '2026-11-25T10:00:00.000Z',
    answeredAt: null,
    endedAt: null,
    endReason: null,
    ...overrides,
  });

  const setup = () => {
    const realtime = new FakeRealtime();
    realtime.state.set('offline');
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: Realtime, useValue: realtime }],
    });
    const auth = TestBed.inject(AuthStore);
    auth.user.set(me);
    auth.status.set('signed-in');
    return { store: TestBed.inject(CallsStore), realtime, http: TestBed.inject(HttpTestingController) };
  };

  it('queues several incoming calls instead of stacking them, and rings while any waits', () => {
    const { store, realtime } = setup();
    const first = aCall();
    const second = aCall();
    realtime.push('call.incoming', { call: first, callerId: caller.id, ring: true });
    realtime.push('call.incoming', { call: second, callerId: caller.id, ring: true });
    realtime.push('call.incoming', { call: first, callerId: caller.id, ring: true });
    TestBed.tick();
    expect(store.incoming().map((c) => c.call.id)).toEqual([first.id, second.id]);
    expect(store.ringing()?.call.id).toBe(first.id);
    expect(store.ringtonePlaying()).toBe(true);

    realtime.push('call.ended', { ...first, status: 'ended', endReason: 'hangup' });
    expect(store.ringing()?.call.id).toBe(second.id);
    realtime.push('call.answered-elsewhere', { callId: second.id });
    TestBed.tick();
    expect(store.incoming()).toEqual([]);
    expect(store.ringtonePlaying()).toBe(false);
  });

  it('does not ring for a silent notice (ring: false), but counts who is in the call', () => {
    const { store, realtime } = setup();
    const call = aCall({ chatType: 'group', participants: [caller.id, newId()] });
    realtime.push('call.incoming', { call, callerId: caller.id, ring: false });
    expect(store.incoming()).toEqual([]);
    expect(store.liveParticipants(call.id)).toBe(2);
  });

  it('stops ringing when I joined from another device', () => {
    const { store, realtime } = setup();
    const call = aCall();
    realtime.push('call.incoming', { call, callerId: caller.id, ring: true });
    realtime.push('call.updated', { ...call, status: 'active', participants: [caller.id, me.id] });
    expect(store.incoming()).toEqual([]);
  });

  it('after a reconnect rings again for calls still ringing, and offers to rejoin a call I am still in', async () => {
    const { store, realtime, http } = setup();
    const ringing = aCall();
    const held = aCall({ status: 'active', participants: [caller.id, me.id], invited: [] });
    realtime.resynced$.next();
    http.expectOne('/api/calls/active').flush({ items: [ringing, held] });
    await vi.waitFor(() => expect(store.rejoin()?.id).toBe(held.id));
    expect(store.incoming().map((c) => c.call.id)).toEqual([ringing.id]);
  });

  it('created while the socket is already up, asks at once instead of waiting for the next reconnect', async () => {
    const realtime = new FakeRealtime();
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: Realtime, useValue: realtime }],
    });
    TestBed.inject(AuthStore).user.set(me);
    const store = TestBed.inject(CallsStore);
    const ringing = aCall();
    TestBed.inject(HttpTestingController).expectOne('/api/calls/active').flush({ items: [ringing] });
    await vi.waitFor(() => expect(store.ringing()?.call.id).toBe(ringing.id));
  });

  it('declining removes the card at once and tells the server', async () => {
    const { store, realtime, http } = setup();
    const call = aCall();
    realtime.push('call.incoming', { call, callerId: caller.id, ring: true });
    const declining = store.decline(call.id);
    expect(store.incoming()).toEqual([]);
    http.expectOne({ method: 'POST', url: `/api/calls/${call.id}/decline` }).flush({ ...call, status: 'ended', endReason: 'declined' });
    await declining;
  });

  it('says the callee is busy when the call ended at once', async () => {
    const { store, http } = setup();
    const starting = store.start(newId(), 'audio');
    http.expectOne({ method: 'POST', url: '/api/calls' }).flush({ call: aCall({ status: 'ended', endReason: 'busy' }), join: null });
    await starting;
    expect(store.notice()).toEqual({ kind: 'busy' });
    expect(store.active()).toBeNull();
  });
});
