import { Injectable, InjectionToken, computed, effect, inject, signal } from '@angular/core';
import type { Call } from '@messenger/contracts';
import { Api, type CallWithJoin } from '../api/api.service';
import { ApiError } from '../api/api-error';
import { AuthStore } from '../auth/auth.store';
import { Realtime } from '../realtime/realtime.service';
import { CallSession, type SessionEnd } from './call-session';
import { Ringtone } from './ringtone';

export interface Incoming {
  call: Call;
  callerId: string;
}

export interface ActiveCall {
  call: Call;
  session: CallSession;
  minimized: boolean;
  joinedAt: number;
}

/** Why a call screen closed, or what a moderator did to me, when it was not the user's own doing. */
export type CallNotice =
  | { kind: 'ended'; reason: NonNullable<Call['endReason']> | SessionEnd }
  | { kind: 'busy' }
  | { kind: 'failed'; code: string }
  | { kind: 'moderated'; action: 'muted' | 'removed' | 'hand-lowered' };

/** Makes the media session of a call; tests hand in one whose connect fails. */
export const CALL_SESSIONS = new InjectionToken<() => CallSession>('call sessions', { factory: () => () => new CallSession() });

/** A call about to be started or joined, its pre-join preview on screen. */
export interface Preparing {
  chatId: string;
  type: 'audio' | 'video';
  /** The live call to join; null starts a new one. */
  callId: string | null;
}

/** How long "an admin muted you" stays on screen while the call goes on. */
const MODERATION_NOTICE_MS = 6_000;

/** How long a closed room waits for the server's word on why the call ended. */
const REASON_GRACE_MS = 1_500;

const byId = (calls: Incoming[], id: string) => calls.some((c) => c.call.id === id);

/**
 * Calls as the user lives them: who is ringing (queued, never stacked), the call they are in (one
 * LiveKit room), and what to say when it ends. After every reconnect the server is asked which calls
 * are ringing for the user or still hold them, so a reload rings again or offers to rejoin.
 */
@Injectable({ providedIn: 'root' })
export class CallsStore {
  private readonly api = inject(Api);
  private readonly auth = inject(AuthStore);
  private readonly ringtone = new Ringtone();
  private readonly newSession = inject(CALL_SESSIONS);
  readonly incoming = signal<Incoming[]>([]);
  readonly active = signal<ActiveCall | null>(null);
  readonly rejoin = signal<Pick<Call, 'id' | 'chatId'> | null>(null);
  readonly notice = signal<CallNotice | null>(null);
  readonly busy = signal(false);
  /** The pre-join preview shown now, if any. */
  readonly preparing = signal<Preparing | null>(null);
  /** The latest state of every call this user heard about, for the "join (N)" bar. */
  private readonly known = signal<ReadonlyMap<string, Call>>(new Map());
  /** The call card shown now: the first in the queue. */
  readonly ringing = computed(() => this.incoming()[0] ?? null);

  constructor() {
    const realtime = inject(Realtime);
    realtime.on('call.incoming', ({ call }) => this.remember(call));
    realtime.on('call.updated', (call) => this.remember(call));
    realtime.on('call.ended', (call) => this.remember(call));
    realtime.on('call.incoming', ({ call, callerId, ring }) => {
      if (ring && call.status !== 'ended' && !byId(this.incoming(), call.id) && this.active()?.call.id !== call.id) {
        this.incoming.update((queue) => [...queue, { call, callerId }]);
        // While it rings, what an accept would otherwise wait for is made ready (see CallSession.prepare).
        CallSession.prepare();
      }
    });
    realtime.on('call.updated', (call) => {
      // Joined on another device of mine, or the ring timed out for me: stop ringing here.
      if (call.participants.includes(this.me()) || !call.invited.includes(this.me())) this.dismiss(call.id);
      const active = this.active();
      if (active?.call.id === call.id) this.active.set({ ...active, call });
      this.incoming.update((queue) => queue.map((entry) => (entry.call.id === call.id ? { ...entry, call } : entry)));
    });
    realtime.on('call.answered-elsewhere', ({ callId }) => this.dismiss(callId));
    realtime.on('call.moderated', ({ callId, action }) => {
      if (this.active()?.call.id !== callId) return;
      // Removal also closes the room; this says who did it, and the room's own "removed" is not said on top.
      if (action === 'removed') {
        void this.close({ kind: 'moderated', action });
        return;
      }
      // The call goes on: the word fades by itself, as a toast does, instead of sitting over the call.
      const notice: CallNotice = { kind: 'moderated', action };
      this.notice.set(notice);
      setTimeout(() => {
        if (this.notice() === notice) this.notice.set(null);
      }, MODERATION_NOTICE_MS);
    });
    realtime.on('call.ended', (call) => {
      this.dismiss(call.id);
      if (this.rejoin()?.id === call.id) this.rejoin.set(null);
      if (this.active()?.call.id === call.id) void this.close({ kind: 'ended', reason: call.endReason ?? 'hangup' });
    });
    realtime.resynced$.subscribe(() => void this.resync());
    // Created after the socket said "ready" (the call layer is lazy): catch up now, not at the next reconnect.
    if (realtime.state() === 'online') void this.resync();
    effect(() => {
      if (this.ringing()) this.ringtone.start();
      else this.ringtone.stop();
    });
    effect(() => {
      if (this.auth.status() === 'signed-out') void this.reset();
    });
    // The room closing by itself (removed, room gone, connection lost for good) ends the call screen.
    // The server deletes the room as it ends a call, so the room often closes just before the
    // call.ended push that says why: wait for it a moment, and say the room's reason only without it.
    effect(() => {
      const active = this.active();
      const ended = active?.session.ended();
      if (!active || !ended || ended === 'left') return;
      setTimeout(() => {
        if (this.active() === active) void this.close({ kind: 'ended', reason: ended });
      }, REASON_GRACE_MS);
    });
  }

  liveParticipants(callId: string | null): number {
    const call = callId ? this.known().get(callId) : undefined;
    return call && call.status !== 'ended' ? call.participants.length : 0;
  }

  /**
   * Opens the pre-join preview for a call in this chat: the live one if there is one (of its own type), else a
   * new one of `type`. Nobody is rung and nothing is joined until the user chooses "join" there.
   */
  prepare(chatId: string, type: 'audio' | 'video', liveCallId: string | null = null): void {
    const live = liveCallId ? this.known().get(liveCallId) : undefined;
    this.notice.set(null);
    this.preparing.set({ chatId, type: live?.type ?? type, callId: liveCallId });
  }

  /** From the preview: starts or joins with the microphone and camera as chosen there (its devices are remembered). */
  joinPrepared(choice: { microphone: boolean; camera: boolean }): Promise<void> {
    const preparing = this.preparing();
    this.preparing.set(null);
    if (!preparing) return Promise.resolve();
    const { chatId, type, callId } = preparing;
    const camera = type === 'video' && choice.camera;
    return callId
      ? this.enter(() => this.api.joinCall(callId), camera, choice.microphone)
      : this.enter(() => this.api.startCall(chatId, type), camera, choice.microphone);
  }

  /** Whether the ringtone is sounding (the incoming card shows it, and tests read it). */
  readonly ringtonePlaying = this.ringtone.playing.asReadonly();

  start(chatId: string, type: 'audio' | 'video'): Promise<void> {
    return this.enter(() => this.api.startCall(chatId, type), type === 'video');
  }

  accept(callId: string, video: boolean): Promise<void> {
    this.dismiss(callId);
    return this.enter(() => this.api.joinCall(callId), video);
  }

  async decline(callId: string): Promise<void> {
    this.dismiss(callId);
    try {
      await this.api.declineCall(callId);
    } catch {
      // Already over: nothing to decline.
    }
  }

  /** Leaves the call; in a personal call that hangs up for both. */
  async leave(): Promise<void> {
    const active = this.active();
    if (!active) return;
    this.active.set(null);
    lastCall.clear();
    await active.session.close();
    await this.api.leaveCall(active.call.id).catch(() => undefined);
  }

  /** Ends a group call for everyone (owner and admins); in a personal call it is the same as hanging up. */
  async endForAll(): Promise<void> {
    const active = this.active();
    if (!active) return;
    await this.api.endCall(active.call.id);
  }

  /** A moderator mutes someone's microphone or turns them out of the call (they may join again). */
  async moderate(userId: string, action: 'mute' | 'remove' | 'lower-hand'): Promise<void> {
    const active = this.active();
    if (!active) return;
    if (action === 'mute') await this.api.muteParticipant(active.call.id, userId);
    else if (action === 'remove') await this.api.removeParticipant(active.call.id, userId);
    else await this.api.lowerHandOf(active.call.id, userId);
  }

  async setHand(raised: boolean): Promise<void> {
    const active = this.active();
    if (active) await this.api.setHand(active.call.id, raised);
  }

  /** Rings a member who is not in the call (again); the answer shows them as rung at once. */
  async ring(userId: string): Promise<void> {
    const active = this.active();
    if (!active) return;
    const call = await this.api.ringAgain(active.call.id, userId);
    const now = this.active();
    if (now?.call.id === call.id && !now.call.invited.includes(userId)) this.active.set({ ...now, call });
  }

  setMinimized(minimized: boolean): void {
    const active = this.active();
    if (active) this.active.set({ ...active, minimized });
  }

  private async enter(request: () => Promise<CallWithJoin>, video: boolean, microphone = true): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.notice.set(null);
    // Entered another way (the rejoin offer, a ringing card): a preview still open would hold the camera.
    this.preparing.set(null);
    this.rejoin.set(null);
    let attempt: ActiveCall | null = null;
    let shown = false;
    try {
      if (this.active()) await this.leave();
      CallSession.prepare(); // made while the request is under way, if no ring made it already
      const { call, join } = await request();
      if (!join) {
        this.notice.set({ kind: 'busy' });
        return;
      }
      attempt = { call, session: this.newSession(), minimized: false, joinedAt: Date.now() };
      lastCall.save({ id: call.id, chatId: call.chatId });
      const metadata = parseMetadata(join.token);
      // The call screen opens once LiveKit has taken the signal connection: rendered first, it held the main thread
      // while livekit-client prepared its offer and opened the socket, and that delayed the whole setup
      // (load/call-setup). It renders while LiveKit answers, and is there before any remote video arrives.
      let failed = false;
      let signalled: () => void = () => undefined;
      const signal = new Promise<void>((resolve) => (signalled = resolve));
      const connecting = attempt.session.connect(join.url, join.token, { microphone: microphone && !metadata.startMuted, camera: video }, signalled);
      void connecting.catch(() => (failed = true));
      await Promise.race([signal, connecting.catch(() => undefined)]);
      // Ended meanwhile (declined, cancelled): call.ended found no call screen to close, so it is not opened.
      if (!failed && this.known().get(call.id)?.status !== 'ended') {
        this.active.set(attempt);
        shown = true;
      }
      await connecting;
      if (!shown) throw new Error('the call ended while connecting');
    } catch (error) {
      // The call may have ended while connecting (declined, cancelled): then call.ended has closed the
      // attempt and said why, or is about to; a failure to connect is only said when it did not end.
      if (attempt) await attempt.session.close();
      if (attempt && shown && this.active() !== attempt) return;
      this.active.set(null);
      lastCall.clear();
      const ended = attempt ? await this.endOf(attempt.call.id) : null;
      // The server counted us in when it answered with a token: without a leave we would stay a participant
      // (and busy) until the call ends.
      if (attempt && !ended) await this.api.leaveCall(attempt.call.id).catch(() => undefined);
      this.notice.set(ended ? { kind: 'ended', reason: ended } : { kind: 'failed', code: ApiError.from(error).code });
    } finally {
      this.busy.set(false);
    }
  }

  private async close(notice: CallNotice): Promise<void> {
    const active = this.active();
    if (!active) return;
    this.active.set(null);
    lastCall.clear();
    this.notice.set(notice);
    await active.session.close();
  }

  /** Why the call ended, waiting a moment for the push that says so; null if it did not end. */
  private async endOf(callId: string): Promise<NonNullable<Call['endReason']> | null> {
    for (let waited = 0; ; waited += 100) {
      const call = this.known().get(callId);
      if (call?.status === 'ended') return call.endReason ?? 'hangup';
      if (waited >= REASON_GRACE_MS) return null;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private remember(call: Call): void {
    this.known.update((all) => new Map(all).set(call.id, call));
  }

  private dismiss(callId: string): void {
    if (byId(this.incoming(), callId)) this.incoming.update((queue) => queue.filter((entry) => entry.call.id !== callId));
  }

  private async resync(): Promise<void> {
    try {
      const { items } = await this.api.activeCalls();
      for (const call of items) this.remember(call);
      const me = this.me();
      // A group call is active once anyone answers, and still rings those invited (or rung again): status is not the test.
      const ringing = items.filter((c) => c.status !== 'ended' && c.invited.includes(me) && !c.participants.includes(me));
      this.incoming.set(ringing.map((call) => ({ call, callerId: call.initiatorId })));
      const held = items.find((c) => c.status !== 'ended' && c.participants.includes(me));
      if (held && this.active()?.call.id !== held.id) this.rejoin.set(held);
      else if (!held && !this.active()) await this.offerLastCall();
    } catch {
      // The next reconnect asks again.
    }
  }

  /**
   * A reload drops the page's media, and LiveKit tells the server the person left; if the call they were
   * in (remembered for this tab) is still live in its chat, they are offered to go back.
   */
  private async offerLastCall(): Promise<void> {
    const last = lastCall.read();
    if (!last) return;
    const chat = await this.api.chat(last.chatId).catch(() => null);
    if (chat?.liveCallId === last.id) this.rejoin.set(last);
    else lastCall.clear();
  }

  private async reset(): Promise<void> {
    this.incoming.set([]);
    this.preparing.set(null);
    this.rejoin.set(null);
    lastCall.clear();
    const active = this.active();
    this.active.set(null);
    await active?.session.close();
  }

  private me(): string {
    return this.auth.user()?.id ?? '';
  }
}

/** The call this tab was in, kept in sessionStorage so it survives a reload of the tab and nothing else. */
const LAST_CALL_KEY = 'messenger.call';
const lastCall = {
  save(call: { id: string; chatId: string }): void {
    try {
      sessionStorage.setItem(LAST_CALL_KEY, JSON.stringify(call));
    } catch {
      // no storage: no offer after a reload
    }
  },
  read(): { id: string; chatId: string } | null {
    try {
      const value = JSON.parse(sessionStorage.getItem(LAST_CALL_KEY) ?? 'null') as { id?: unknown; chatId?: unknown } | null;
      return typeof value?.id === 'string' && typeof value.chatId === 'string' ? { id: value.id, chatId: value.chatId } : null;
    } catch {
      return null;
    }
  },
  clear(): void {
    try {
      sessionStorage.removeItem(LAST_CALL_KEY);
    } catch {
      // nothing kept
    }
  },
};

/** The token's metadata (set by the calls service): whether the group makes everyone join muted. */
const parseMetadata = (token: string): { startMuted?: boolean } => {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { metadata?: string };
    return payload.metadata ? (JSON.parse(payload.metadata) as { startMuted?: boolean }) : {};
  } catch {
    return {};
  }
};
