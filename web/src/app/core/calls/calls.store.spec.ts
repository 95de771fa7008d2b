import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Call } from '@messenger/contracts';
import { aUser, FakeRealtime, newId } from '../../testing/fakes';
import { AuthStore } from '../auth/auth.store';
import { Realtime } from '../realtime/realtime.service';
import type { CallSession } from './call-session';
import { CALL_SESSIONS, CallsStore } from './calls.store';

/** Where the calls service says LiveKit is (the incoming frame carries it, so a ringing page can warm up). */
const LIVEKIT = 'ws://127.0.0.1:7880';

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

  /** A media session whose connect fails as LiveKit's does when the SFU cannot be reached. */
  const unreachable = () =>
    ({
      connect: () => Promise.reject(new Error('could not establish signal connection')),
      close: () => Promise.resolve(),
    }) as unknown as CallSession;

  const setup = (sessions: () => CallSession = unreachable) => {
    const realtime = new FakeRealtime();
    realtime.state.set('offline');
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: Realtime, useValue: realtime },
        { provide: CALL_SESSIONS, useValue: sessions },
      ],
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
    realtime.push('call.incoming', { call: first, callerId: caller.id, ring: true, url: LIVEKIT });
    realtime.push('call.incoming', { call: second, callerId: caller.id, ring: true, url: LIVEKIT });
    realtime.push('call.incoming', { call: first, callerId: caller.id, ring: true, url: LIVEKIT });
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
    realtime.push('call.incoming', { call, callerId: caller.id, ring: false, url: LIVEKIT });
    expect(store.incoming()).toEqual([]);
    expect(store.liveParticipants(call.id)).toBe(2);
  });

  it('stops ringing when I joined from another device', () => {
    const { store, realtime } = setup();
    const call = aCall();
    realtime.push('call.incoming', { call, callerId: caller.id, ring: true, url: LIVEKIT });
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
    realtime.push('call.incoming', { call, callerId: caller.id, ring: true, url: LIVEKIT });
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

  it('leaves on the server when the media connection fails, so no ghost participant stays behind', async () => {
    const { store, http } = setup();
    const call = aCall({ status: 'active', chatType: 'group', participants: [caller.id, me.id], invited: [] });
    const joining = store.accept(call.id, false);
    http.expectOne({ method: 'POST', url: `/api/calls/${call.id}/join` }).flush({ call, join: { url: 'ws://127.0.0.1:1', token: 'x.e30.y' } });
    // No call.ended arrives: the call goes on without us, so after the grace the store tells the server we left.
    await vi.waitFor(() => http.expectOne({ method: 'POST', url: `/api/calls/${call.id}/leave` }).flush(call), { timeout: 3_000 });
    await joining;
    expect(store.active()).toBeNull();
    expect(store.notice()).toEqual({ kind: 'failed', code: expect.any(String) });
  });

  it('does not leave again when the call ended while connecting; says why it ended', async () => {
    const { store, http, realtime } = setup();
    const call = aCall({ status: 'active', chatType: 'group', participants: [caller.id, me.id], invited: [] });
    const joining = store.accept(call.id, false);
    realtime.push('call.ended', { ...call, status: 'ended', endReason: 'ended-by-admin' });
    http.expectOne({ method: 'POST', url: `/api/calls/${call.id}/join` }).flush({ call, join: { url: 'ws://127.0.0.1:1', token: 'x.e30.y' } });
    await joining;
    http.expectNone(`/api/calls/${call.id}/leave`);
    expect(store.notice()).toEqual({ kind: 'ended', reason: 'ended-by-admin' });
  });

  it('tells me when a moderator muted me, and closes the call with who did it when they removed me', async () => {
    const connected = { connect: () => Promise.resolve(), close: vi.fn(() => Promise.resolve()), ended: () => null } as unknown as CallSession;
    const { store, http, realtime } = setup(() => connected);
    const call = aCall({ status: 'active', chatType: 'group', participants: [caller.id, me.id], invited: [] });
    const joining = store.accept(call.id, false);
    http.expectOne({ method: 'POST', url: `/api/calls/${call.id}/join` }).flush({ call, join: { url: 'ws://127.0.0.1:1', token: 'x.e30.y' } });
    await joining;
    realtime.push('call.moderated', { callId: 'c_another', action: 'muted', byId: caller.id });
    expect(store.notice()).toBeNull();
    realtime.push('call.moderated', { callId: call.id, action: 'muted', byId: caller.id });
    expect(store.notice()).toEqual({ kind: 'moderated', action: 'muted' });
    expect(store.active()).not.toBeNull();
    realtime.push('call.moderated', { callId: call.id, action: 'removed', byId: caller.id });
    await vi.waitFor(() => expect(store.active()).toBeNull());
    expect(store.notice()).toEqual({ kind: 'moderated', action: 'removed' });
  });
});
