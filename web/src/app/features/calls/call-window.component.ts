import { Component, DestroyRef, ElementRef, computed, inject, input, signal } from '@angular/core';
import { LucideMaximize, LucideMinimize2 } from '@lucide/angular';
import { layoutTiles } from '../../core/calls/grid-layout';
import type { ActiveCall } from '../../core/calls/calls.store';
import { CallsStore } from '../../core/calls/calls.store';
import { ChatsStore } from '../../core/chats/chats.store';
import { I18n } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/ru';
import { formatDuration } from '../messenger/system-text';
import { CallControlsComponent } from './call-controls.component';
import { ParticipantTileComponent } from './participant-tile.component';

/** The plan's CallWindow: chat name and timer, the tiles (a screen share or a clicked tile on the stage), the controls. */
@Component({
  selector: 'app-call-window',
  imports: [ParticipantTileComponent, CallControlsComponent, LucideMaximize, LucideMinimize2],
  templateUrl: './call-window.component.html',
  styleUrl: './call-window.component.scss',
})
export class CallWindowComponent {
  protected readonly i18n = inject(I18n);
  protected readonly calls = inject(CallsStore);
  private readonly chats = inject(ChatsStore);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  readonly active = input.required<ActiveCall>();
  protected readonly spotlight = signal<string | null>(null);
  private readonly now = signal(Date.now());

  protected readonly chatName = computed(() => this.chats.get(this.active().call.chatId)?.name ?? '');
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
    const timer = setInterval(() => this.now.set(Date.now()), 1_000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected toggleSpotlight(key: string): void {
    this.spotlight.update((current) => (current === key ? null : key));
  }

  protected async fullscreen(): Promise<void> {
    if (document.fullscreenElement) await document.exitFullscreen();
    else await this.host.nativeElement.requestFullscreen?.().catch(() => undefined);
  }
}
