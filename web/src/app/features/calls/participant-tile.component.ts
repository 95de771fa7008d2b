import { Component, ElementRef, computed, effect, inject, input, output, viewChild } from '@angular/core';
import { LucideHand, LucideMicOff, LucideVideoOff } from '@lucide/angular';
import type { ConnectionWords } from '../../core/calls/connection-quality';
import { Track, type VideoTrack } from 'livekit-client';
import type { Tile } from '../../core/calls/grid-layout';
import { I18n } from '../../core/i18n/i18n.service';
import { PeopleStore } from '../../core/people/people.store';
import { AvatarComponent } from '../../shared/avatar.component';
import { QualityBadgeComponent } from './quality/quality-badge.component';

/**
 * One person (or their screen) in the call: the video when there is one, else their avatar; their
 * name ("Вы" for oneself), mic and camera marks, a raised hand, a ring while they speak, and a mark when their
 * connection is poor. The video element is attached and detached with the track.
 */
@Component({
  selector: 'app-participant-tile',
  imports: [AvatarComponent, LucideMicOff, LucideVideoOff, LucideHand, QualityBadgeComponent],
  template: `
    <button type="button" class="tile" [class.tile--speaking]="tile().member.speaking && tile().kind === 'camera'" [attr.aria-label]="label()" (click)="spotlight.emit(tile().key)" [attr.data-identity]="tile().member.identity" [attr.data-kind]="tile().kind" data-test="tile">
      <video #video [class.hidden]="!track()" [class.mirrored]="tile().member.local && tile().kind === 'camera'" autoplay playsinline muted></video>
      @if (!track()) {
        <app-avatar [name]="tile().member.name" [id]="tile().member.identity" [url]="avatarUrl()" [size]="72" />
      }
      <span class="tile__name">
        @if (!tile().member.micOn && tile().kind === 'camera') {
          <svg lucideMicOff [size]="14" data-test="mic-off" [attr.aria-label]="i18n.t('call.micOff')"></svg>
        }
        @if (!tile().member.cameraOn && tile().kind === 'camera') {
          <svg lucideVideoOff [size]="14" data-test="camera-off" [attr.aria-label]="i18n.t('call.cameraOff')"></svg>
        }
        {{ tile().kind === 'screen' ? i18n.t('call.screenOf', { name: name() }) : name() }}
      </span>
      @if (tile().member.handRaisedAt && tile().kind === 'camera') {
        <span class="tile__hand" data-test="tile-hand" [attr.aria-label]="i18n.t('call.handRaised')" [title]="i18n.t('call.handRaised')"><svg lucideHand [size]="18" aria-hidden="true"></svg></span>
      }
      @if (quality(); as words) {
        @if (words.level !== 'good' && tile().kind === 'camera') {
          <app-quality-badge class="tile__quality" [quality]="words" data-test="tile-quality" />
        }
      }
    </button>
  `,
  styleUrl: './participant-tile.component.scss',
})
export class ParticipantTileComponent {
  protected readonly i18n = inject(I18n);
  private readonly people = inject(PeopleStore);
  readonly tile = input.required<Tile>();
  readonly spotlight = output<string>();
  /** Their connection in words; the tile shows it only when it is not good. */
  readonly quality = input<ConnectionWords | null>(null);
  private readonly video = viewChild.required<ElementRef<HTMLVideoElement>>('video');

  protected readonly name = computed(() => (this.tile().member.local ? this.i18n.t('call.you') : this.tile().member.name));
  protected readonly avatarUrl = computed(() => this.people.get(this.tile().member.identity)?.avatarUrl ?? null);
  protected readonly label = computed(() => (this.tile().member.handRaisedAt ? `${this.name()}, ${this.i18n.t('call.handRaised')}` : this.name()));
  protected readonly track = computed((): VideoTrack | null => {
    const { member, kind } = this.tile();
    const source = kind === 'screen' ? Track.Source.ScreenShare : Track.Source.Camera;
    const publication = member.participant.getTrackPublication(source);
    if (!publication || publication.isMuted || !publication.track) return null;
    return publication.track as VideoTrack;
  });

  constructor() {
    effect((onCleanup) => {
      const track = this.track();
      const element = this.video().nativeElement;
      if (!track) return;
      track.attach(element);
      onCleanup(() => track.detach(element));
    });
  }
}
