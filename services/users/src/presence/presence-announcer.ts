import type { PresenceStatus, ServerFrame } from '@messenger/contracts';
import type { Logger } from '@messenger/kit';

/** What the announcer needs from the world, so its timing rules can be tested on their own. */
export interface PresenceOutlets {
  /** Everyone who shares a chat with each user (the groups service answers from Redis); null when it could not answer. */
  contactsOf(userIds: string[]): Promise<Map<string, string[]> | null>;
  /** Whether each user has a socket open now, on any gateway (Redis). */
  onlineNow(userIds: string[]): Promise<boolean[]>;
  push(userIds: string[], frame: string): void;
}

export interface PresenceAnnouncerOptions {
  /** Changes gathered this long go out together: one contacts question for all of them. */
  windowMs: number;
  /** A user offline this long is announced offline; back sooner (a reload, a blip), nobody is told anything. */
  offlineGraceMs: number;
}

/** Users per contacts question: keeps the answer well under NATS's 1 MB payload even for people in many big chats. */
const PER_QUESTION = 25;

/**
 * Tells each user's contacts when they come online or go offline, many users per round trip. One question
 * per user made a reconnect storm cost 10 000 requests to the groups service for 5 000 sockets; gathered over
 * a short window, a storm costs a few hundred. An offline waits out a grace period and is checked against
 * Redis before it goes out, because the user may have come back through another replica meanwhile.
 */
export class PresenceAnnouncer {
  private readonly online = new Map<string, PresenceStatus>();
  private readonly offline = new Map<string, { status: PresenceStatus; dueAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private closed = false;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly outlets: PresenceOutlets,
    private readonly options: PresenceAnnouncerOptions,
    private readonly logger: Logger,
  ) {}

  cameOnline(status: PresenceStatus): void {
    // Offline not told yet: to the contacts the user never left.
    if (this.offline.delete(status.userId)) return;
    this.online.set(status.userId, status);
    this.schedule(this.options.windowMs);
  }

  wentOffline(status: PresenceStatus): void {
    this.online.delete(status.userId);
    this.offline.set(status.userId, { status, dueAt: Date.now() + this.options.offlineGraceMs });
    this.schedule(this.options.offlineGraceMs);
  }

  /** Sends everything pending now, grace or not (at shutdown, so a deploy leaves nobody shown online). */
  async drain(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush(Number.POSITIVE_INFINITY).catch((error: unknown) => this.logger.warn({ err: error }, 'presence announcement failed'));
  }

  private schedule(inMs: number): void {
    // A flush in progress schedules what is left when it ends; an earlier timer already covers this.
    const at = Date.now() + inMs;
    if (this.closed || this.flushing || (this.timer && this.timerAt <= at)) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush(Date.now())
        .catch((error: unknown) => this.logger.warn({ err: error }, 'presence announcement failed'))
        .finally(() => {
          this.flushing = undefined;
          this.rescheduleRest();
        });
    }, inMs);
    this.timer.unref();
  }

  private rescheduleRest(): void {
    if (this.online.size) return this.schedule(this.options.windowMs);
    let next = Number.POSITIVE_INFINITY;
    for (const { dueAt } of this.offline.values()) next = Math.min(next, dueAt);
    if (next !== Number.POSITIVE_INFINITY) this.schedule(Math.max(this.options.windowMs, next - Date.now()));
  }

  private async flush(now: number): Promise<void> {
    const statuses = [...this.online.values()];
    this.online.clear();
    const due: PresenceStatus[] = [];
    for (const [userId, { status, dueAt }] of this.offline) {
      if (dueAt > now) continue;
      due.push(status);
      this.offline.delete(userId);
    }
    if (due.length) {
      const back = await this.outlets.onlineNow(due.map((s) => s.userId));
      statuses.push(...due.filter((_, i) => !back[i]));
    }
    for (let i = 0; i < statuses.length; i += PER_QUESTION) {
      const chunk = statuses.slice(i, i + PER_QUESTION);
      const contacts = await this.outlets.contactsOf(chunk.map((s) => s.userId));
      // Unanswered: those contacts see the change when their client next asks (it does on every reconnect).
      if (!contacts) continue;
      for (const status of chunk) {
        const frame = JSON.stringify({ type: 'presence', data: status } satisfies ServerFrame<'presence'>);
        this.outlets.push(contacts.get(status.userId) ?? [], frame);
      }
    }
  }
}
