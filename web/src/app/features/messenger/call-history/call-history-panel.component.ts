import { Component, ElementRef, afterNextRender, computed, effect, inject, input, output, signal, untracked, viewChild } from '@angular/core';
import {
  LucideArrowDownLeft,
  LucideArrowUpRight,
  LucideChevronDown,
  LucideHistory,
  LucidePhone,
  LucidePhoneMissed,
  LucidePhoneOff,
  LucideRotateCw,
  LucideVideo,
  LucideVideoOff,
  LucideX,
} from '@lucide/angular';
import type { CallLogEntry, Chat } from '@messenger/contracts';
import { apiErrorText } from '../../../core/api/api-error-text';
import { AuthStore } from '../../../core/auth/auth.store';
import { attendanceOf, outcomeOf, type Attendance, type CallOutcome } from '../../../core/calls/call-history';
import { CallHistoryStore } from '../../../core/calls/call-history.store';
import { CallsStore } from '../../../core/calls/calls.store';
import { abilitiesIn } from '../../../core/chats/abilities';
import { I18n } from '../../../core/i18n/i18n.service';
import type { MessageKey } from '../../../core/i18n/ru';
import { PeopleStore } from '../../../core/people/people.store';
import { AvatarComponent } from '../../../shared/avatar.component';
import { formatDuration } from '../system-text';

interface Row {
  entry: CallLogEntry;
  outcome: CallOutcome;
  mine: boolean;
  attendance: Attendance[];
}

/**
 * The chat's calls, newest first, as Telegram lists them: the kind of call, who started it and when, how
 * long it lasted or how it went unanswered (a missed one in red); a row opens to who was in it and when
 * they came and went, and "call back" starts the same kind of call here. A side panel on a desktop, a
 * sheet over the chat on a phone.
 */
@Component({
  selector: 'app-call-history-panel',
  imports: [
    AvatarComponent,
    LucideArrowDownLeft,
    LucideArrowUpRight,
    LucideChevronDown,
    LucideHistory,
    LucidePhone,
    LucidePhoneMissed,
    LucidePhoneOff,
    LucideRotateCw,
    LucideVideo,
    LucideVideoOff,
    LucideX,
  ],
  providers: [CallHistoryStore],
  templateUrl: './call-history-panel.component.html',
  styleUrl: './call-history-panel.component.scss',
  host: { '(keydown.escape)': 'closed.emit()' },
})
export class CallHistoryPanelComponent {
  protected readonly i18n = inject(I18n);
  protected readonly store = inject(CallHistoryStore);
  private readonly auth = inject(AuthStore);
  private readonly calls = inject(CallsStore);
  private readonly people = inject(PeopleStore);
  readonly chat = input.required<Chat>();
  readonly closed = output<void>();

  private readonly heading = viewChild<ElementRef<HTMLElement>>('heading');
  private readonly myId = computed(() => this.auth.user()?.id ?? '');
  protected readonly expanded = signal<string | null>(null);
  protected readonly rows = computed((): Row[] =>
    this.store.entries().map((entry) => ({
      entry,
      outcome: outcomeOf(entry, this.myId()),
      mine: entry.initiatorId === this.myId(),
      attendance: attendanceOf(entry),
    })),
  );
  /** Rows under a heading per day ("Today", "Yesterday", "25 November"), as Telegram and Discord list them. */
  protected readonly days = computed(() => {
    const days: { day: string; rows: Row[] }[] = [];
    for (const row of this.rows()) {
      const day = this.i18n.day(row.entry.startedAt);
      const last = days.at(-1);
      if (last?.day === day) last.rows.push(row);
      else days.push({ day, rows: [row] });
    }
    return days;
  });
  protected readonly failure = computed(() => {
    const error = this.store.error();
    return error ? apiErrorText(this.i18n, error) : null;
  });
  /** Why "call back" is off (as the header's call buttons say it), or null when a call can start. */
  protected readonly callBlocked = computed((): string | null => {
    const chat = this.chat();
    if (this.calls.busy()) return this.i18n.t('call.connecting');
    if (this.calls.active()?.call.chatId === chat.id) return this.i18n.t('call.alreadyIn');
    if (!chat.liveCallId && !abilitiesIn(chat, this.myId()).can('startCall')) return this.i18n.t('call.notAllowed');
    return null;
  });
  private readonly clockFormat = computed(() => new Intl.DateTimeFormat(this.i18n.lang(), { hour: 'numeric', minute: '2-digit', second: '2-digit' }));

  /** The chat's id alone: a new copy of the same chat (a push) must not reload or fold the rows. */
  private readonly chatId = computed(() => this.chat().id);

  constructor() {
    effect(() => {
      const chatId = this.chatId();
      untracked(() => {
        this.expanded.set(null);
        this.store.open(chatId);
      });
    });
    // Opened from the header: the reader lands in the panel (on a phone it covers the chat).
    afterNextRender(() => this.heading()?.nativeElement.focus({ preventScroll: true }));
  }

  protected toggle(id: string): void {
    this.expanded.update((open) => (open === id ? null : id));
  }

  /** A new call of the same type; while the chat has a live call, the way into that one (through the preview). */
  protected callBack(entry: CallLogEntry): Promise<void> {
    const chat = this.chat();
    if (chat.liveCallId) {
      this.calls.prepare(chat.id, entry.type, chat.liveCallId);
      return Promise.resolve();
    }
    return this.calls.start(chat.id, entry.type);
  }

  protected typeLabel(entry: CallLogEntry): string {
    return this.i18n.t(entry.type === 'video' ? 'callHistory.video' : 'callHistory.audio');
  }

  /** The row read out as one line: "Audio call, Missed, Started by Anna, Today, 14:05". */
  protected summary(row: Row): string {
    const status = row.outcome === 'answered' ? this.duration(row.entry.durationSeconds) : this.outcomeLabel(row.outcome);
    return [this.typeLabel(row.entry), status, this.startedBy(row.entry), this.when(row.entry.startedAt)].join(', ');
  }

  protected outcomeLabel(outcome: CallOutcome): string {
    return this.i18n.t(`callHistory.outcome.${outcome}` as MessageKey);
  }

  protected startedBy(entry: CallLogEntry): string {
    return this.isMe(entry.initiatorId)
      ? this.i18n.t('callHistory.startedByYou')
      : this.i18n.t('callHistory.startedBy', { name: this.fullName(entry.initiatorId) });
  }

  /** The person's own name, also for me (a participant line says "(you)" beside it). */
  protected fullName(userId: string): string {
    return this.member(userId)?.name ?? (this.isMe(userId) ? this.auth.user()?.name : undefined) ?? this.i18n.t('system.someone');
  }

  protected isMe(userId: string): boolean {
    return userId === this.myId();
  }

  protected avatarOf(userId: string): string | null {
    return this.member(userId)?.avatarUrl ?? null;
  }

  protected when(iso: string): string {
    return this.i18n.t('callHistory.when', { day: this.i18n.day(iso), time: this.i18n.time(iso) });
  }

  protected time(iso: string): string {
    return this.i18n.time(iso);
  }

  protected clock(iso: string): string {
    return this.clockFormat().format(new Date(iso));
  }

  protected duration(seconds: number): string {
    return formatDuration(seconds);
  }

  private member(userId: string) {
    return this.chat().participants.find((p) => p.user.id === userId)?.user ?? this.people.get(userId);
  }
}
