import { Component, DestroyRef, ElementRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { LucideMaximize, LucideMessageSquare, LucideMinimize2, LucideUsers } from '@lucide/angular';
import { AuthStore } from '../../core/auth/auth.store';
import { MessagesStore } from '../../core/chats/messages.store';
import { describeParticipants, sampleQuality, type ConnectionWords, type RoomQualitySample } from '../../core/calls/connection-quality';
import { layoutTiles } from '../../core/calls/grid-layout';
import type { ActiveCall } from '../../core/calls/calls.store';
import { CallsStore } from '../../core/calls/calls.store';
import { ChatsStore } from '../../core/chats/chats.store';
import { I18n } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/ru';
import { formatDuration } from '../messenger/system-text';
import { CallChatComponent } from './call-chat/call-chat.component';
import { CallControlsComponent } from './call-controls.component';
import { CallPeopleComponent } from './people/call-people.component';
import { ParticipantTileComponent } from './participant-tile.component';
import { QualityBadgeComponent } from './quality/quality-badge.component';

/** Often enough to say a connection went bad while it matters; stats reads are cheap at this pace. */
const QUALITY_EVERY_MS = 2_000;

/**
 * The plan's CallWindow: chat name and timer, the tiles (a screen share or a clicked tile on the stage), the controls,
 * and one side panel at a time: the people in the call, or the chat's conversation (with an unread mark on its toggle).
 */
@Component({
  selector: 'app-call-window',
  imports: [
    ParticipantTileComponent,
    CallControlsComponent,
    CallPeopleComponent,
    CallChatComponent,
    LucideMaximize,
    LucideMinimize2,
    LucideUsers,
    LucideMessageSquare,
    QualityBadgeComponent,
  ],
  templateUrl: './call-window.component.html',
  styleUrl: './call-window.component.scss',
})
export class CallWindowComponent {
  protected readonly i18n = inject(I18n);
  protected readonly calls = inject(CallsStore);
  private readonly chats = inject(ChatsStore);
  private readonly messages = inject(MessagesStore);
  private readonly auth = inject(AuthStore);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  readonly active = input.required<ActiveCall>();
  protected readonly spotlight = signal<string | null>(null);
  private readonly now = signal(Date.now());

  protected readonly chat = computed(() => this.chats.get(this.active().call.chatId));
  protected readonly chatName = computed(() => this.chat()?.name ?? '');
  protected readonly panel = signal<'people' | 'chat' | null>(null);
  /** The newest message seen in this window: fixed while the chat panel is closed, so what arrives after counts. */
  private readonly seenSeq = signal<number | null>(null);
  private readonly timeline = computed(() => this.messages.timeline(this.active().call.chatId));
  protected readonly unread = computed(() => {
    const seen = this.seenSeq();
    if (seen === null) return 0;
    const me = this.auth.user()?.id;
    return this.timeline().items.filter((m) => m.seq > seen && m.senderId !== null && m.senderId !== me).length;
  });
  /** Everyone's connection in words (LiveKit's quality plus WebRTC stats), sampled every QUALITY_EVERY_MS. */
  protected readonly quality = signal<ReadonlyMap<string, ConnectionWords>>(new Map());
  protected readonly myQuality = computed(() => {
    const words = this.quality().get(this.active().session.room.localParticipant.identity);
    return words && words.level !== 'good' ? words : null;
  });
  protected readonly peopleCount = computed(() => this.active().session.snapshot().members.length);
  protected readonly layout = computed(() => layoutTiles(this.active().session.snapshot().members, this.spotlight()));
  protected readonly elapsed = computed(() => {
    const call = this.active().call;
    const since = call.answeredAt ? Date.parse(call.answeredAt) : this.active().joinedAt;
    return formatDuration(Math.max(0, Math.floor((this.now() - since) / 1000)));
  });
  protected readonly waiting = computed(() => this.active().call.status === 'ringing' && this.active().session.snapshot().members.length === 1);
  protected readonly problemKey = computed((): MessageKey | null => {
    const problem = this.active().session.problem();
    return problem ? (`call.problem.${problem}` as MessageKey) : null;
  });

  constructor() {
    // Loaded now so messages that arrive during the call are counted (pushes only extend a loaded chat).
    queueMicrotask(() => void this.messages.open(this.active().call.chatId));
    effect(() => {
      const timeline = this.timeline();
      if (timeline.state !== 'ready') return;
      const newest = timeline.items.at(-1)?.seq ?? 0;
      untracked(() => {
        if (this.seenSeq() === null || this.panel() === 'chat') this.seenSeq.set(newest);
      });
    });
    const timer = setInterval(() => this.now.set(Date.now()), 1_000);
    let previous: RoomQualitySample | null = null;
    const sampler = setInterval(() => {
      const room = this.active().session.room;
      void sampleQuality(room, previous).then((sample) => {
        previous = sample;
        this.quality.set(describeParticipants(room, sample));
      });
    }, QUALITY_EVERY_MS);
    inject(DestroyRef).onDestroy(() => {
      clearInterval(timer);
      clearInterval(sampler);
    });
  }

  protected togglePanel(panel: 'people' | 'chat'): void {
    this.panel.update((open) => (open === panel ? null : panel));
    if (this.panel() === 'chat') this.seenSeq.set(this.timeline().items.at(-1)?.seq ?? this.seenSeq());
  }

  protected toggleSpotlight(key: string): void {
    this.spotlight.update((current) => (current === key ? null : key));
  }

  protected async fullscreen(): Promise<void> {
    if (document.fullscreenElement) await document.exitFullscreen();
    else await this.host.nativeElement.requestFullscreen?.().catch(() => undefined);
  }
}
