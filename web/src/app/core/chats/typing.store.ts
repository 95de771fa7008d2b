import { Injectable, inject, signal } from '@angular/core';
import { AuthStore } from '../auth/auth.store';
import { Realtime } from '../realtime/realtime.service';

/** How long a "typing" lasts without a new one; clients repeat it every SEND_EVERY_MS while typing. */
const SHOWN_FOR_MS = 6_000;
const SEND_EVERY_MS = 3_000;

/** Who is typing where, from the other members' typing frames; and this user's own, throttled. */
@Injectable({ providedIn: 'root' })
export class TypingStore {
  private readonly realtime = inject(Realtime);
  private readonly auth = inject(AuthStore);
  private readonly typists = signal<ReadonlyMap<string, ReadonlyMap<string, number>>>(new Map());
  private readonly lastSent = new Map<string, number>();
  private sweep: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    this.realtime.on('typing', ({ chatId, userId }) => {
      if (userId === this.auth.user()?.id) return;
      this.typists.update((all) => new Map(all).set(chatId, new Map(all.get(chatId) ?? []).set(userId, Date.now() + SHOWN_FOR_MS)));
      this.scheduleSweep();
    });
    // A message from someone ends their typing at once.
    this.realtime.on('message.created', ({ chatId, senderId }) => {
      if (senderId) this.clear(chatId, senderId);
    });
  }

  typing(chatId: string): string[] {
    const now = Date.now();
    return [...(this.typists().get(chatId) ?? new Map<string, number>()).entries()].filter(([, until]) => until > now).map(([userId]) => userId);
  }

  /** Called on every keystroke; sends at most one frame per SEND_EVERY_MS per chat. */
  notify(chatId: string): void {
    const now = Date.now();
    if (now - (this.lastSent.get(chatId) ?? 0) < SEND_EVERY_MS) return;
    this.lastSent.set(chatId, now);
    this.realtime.send({ type: 'typing', data: { chatId } });
  }

  /** After a send the next keystroke announces typing again at once. */
  sent(chatId: string): void {
    this.lastSent.delete(chatId);
  }

  private clear(chatId: string, userId: string): void {
    const current = this.typists().get(chatId);
    if (!current?.has(userId)) return;
    const next = new Map(current);
    next.delete(userId);
    this.typists.update((all) => new Map(all).set(chatId, next));
  }

  private scheduleSweep(): void {
    if (this.sweep) return;
    this.sweep = setTimeout(() => {
      this.sweep = null;
      const now = Date.now();
      let pending = false;
      this.typists.update((all) => {
        const next = new Map<string, ReadonlyMap<string, number>>();
        for (const [chatId, users] of all) {
          const live = new Map([...users].filter(([, until]) => until > now));
          if (live.size) {
            next.set(chatId, live);
            pending = true;
          }
        }
        return next;
      });
      if (pending) this.scheduleSweep();
    }, 1_000);
  }
}
