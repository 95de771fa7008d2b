import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import type { CallLogEntry } from '@messenger/contracts';
import { Api } from '../api/api.service';
import { ApiError } from '../api/api-error';
import { Realtime } from '../realtime/realtime.service';

/** A page of the log as the panel first shows it, and the most the server hands out. */
export const FIRST_PAGE = 30;
export const MAX_PAGE = 100;

/**
 * The server writes a call's log line from its own consumer of the "call ended" fact, so the push that
 * says a call ended can come before the line exists: ask again, a little later each time, until it does.
 */
export const ENTRY_RETRY_MS = [0, 300, 700, 1_500, 3_000, 6_000];

/**
 * One chat's call log for the panel that shows it (provided by that panel, gone with it): loaded when the
 * panel opens or the chat changes, and again when a call of this chat ends or the socket comes back.
 * Answers to an earlier chat or an earlier request never overwrite a newer one.
 */
@Injectable()
export class CallHistoryStore {
  private readonly api = inject(Api);
  readonly entries = signal<CallLogEntry[]>([]);
  readonly state = signal<'idle' | 'loading' | 'ready' | 'error'>('idle');
  readonly error = signal<ApiError | null>(null);
  readonly limit = signal(FIRST_PAGE);
  /** Whether the server may hold older calls than those shown. */
  readonly more = computed(() => this.entries().length >= this.limit() && this.limit() < MAX_PAGE);
  private chatId: string | null = null;
  private generation = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor() {
    const realtime = inject(Realtime);
    const offEnded = realtime.on('call.ended', (call) => {
      if (call.chatId === this.chatId) this.awaitEntry(call.id);
    });
    const resynced = realtime.resynced$.subscribe(() => {
      if (this.chatId) void this.load();
    });
    inject(DestroyRef).onDestroy(() => {
      offEnded();
      resynced.unsubscribe();
      this.cancelTimers();
      this.generation++;
      // A load still in flight must not schedule another read for a panel that is gone.
      this.chatId = null;
    });
  }

  /** Shows `chatId`'s log (a no-op when it is already the one shown). */
  open(chatId: string): void {
    if (chatId === this.chatId) return;
    this.chatId = chatId;
    this.cancelTimers();
    this.entries.set([]);
    this.error.set(null);
    this.limit.set(FIRST_PAGE);
    void this.load();
  }

  retry(): Promise<boolean> {
    return this.load();
  }

  showMore(): Promise<boolean> {
    this.limit.set(MAX_PAGE);
    return this.load();
  }

  /** Fetches the log; true when the answer is the one shown now. A failure keeps what was shown. */
  async load(): Promise<boolean> {
    const chatId = this.chatId;
    if (!chatId) return false;
    const generation = ++this.generation;
    if (this.state() !== 'ready') this.state.set('loading');
    try {
      const page = await this.api.callLog(chatId, this.limit());
      if (generation !== this.generation) return false;
      this.entries.set(page.items);
      this.error.set(null);
      this.state.set('ready');
      return true;
    } catch (error) {
      if (generation !== this.generation) return false;
      this.error.set(ApiError.from(error));
      // With calls on screen, they stay; the panel says the refresh failed.
      this.state.set(this.entries().length ? 'ready' : 'error');
      return false;
    }
  }

  private awaitEntry(callId: string, attempt = 0): void {
    const chatId = this.chatId;
    const timer = setTimeout(async () => {
      this.timers.delete(timer);
      if (chatId !== this.chatId) return;
      await this.load();
      const next = attempt + 1;
      if (chatId === this.chatId && !this.entries().some((e) => e.id === callId) && next < ENTRY_RETRY_MS.length) this.awaitEntry(callId, next);
    }, ENTRY_RETRY_MS[attempt]);
    this.timers.add(timer);
  }

  private cancelTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
