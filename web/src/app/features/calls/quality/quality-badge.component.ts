import { Component, computed, inject, input } from '@angular/core';
import { LucideSignal, LucideSignalLow, LucideSignalZero } from '@lucide/angular';
import type { ConnectionWords } from '../../../core/calls/connection-quality';
import { I18n } from '../../../core/i18n/i18n.service';

/**
 * A connection in a glance and in words: a signal icon whose label and tooltip say the level, the likely
 * cause and what the app did; when the connection is poor or lost, the same words as a short line.
 */
@Component({
  selector: 'app-quality-badge',
  imports: [LucideSignal, LucideSignalLow, LucideSignalZero],
  template: `
    <span class="icon" role="img" [attr.aria-label]="sentence()" [title]="sentence()" data-test="quality-icon">
      <!-- every bar, dimmed, under the bars the level lights: a low signal still reads as a signal icon -->
      <svg class="icon__all" lucideSignal [size]="16" aria-hidden="true"></svg>
      @switch (quality().level) {
        @case ('good') {
          <svg lucideSignal [size]="16" aria-hidden="true"></svg>
        }
        @case ('poor') {
          <svg lucideSignalLow [size]="16" aria-hidden="true"></svg>
        }
        @default {
          <svg lucideSignalZero [size]="16" aria-hidden="true"></svg>
        }
      }
    </span>
    @if (quality().level !== 'good') {
      <span class="line" aria-hidden="true" data-test="quality-line">{{ sentence() }}</span>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: flex-start;
      gap: 6px;
      min-width: 0;
      font-size: 13px;
    }
    .icon {
      display: inline-grid;
      place-items: center;
      flex: none;
    }
    .icon > svg {
      grid-area: 1 / 1;
    }
    .icon__all {
      opacity: 0.3;
    }
    :host([data-level='good']) .icon {
      color: #23a55a;
    }
    :host([data-level='poor']) {
      color: #f0b232;
    }
    :host([data-level='good']) .icon__all {
      opacity: 0;
    }
    :host([data-level='lost']) {
      color: #f23f43;
    }
    .line {
      min-width: 0;
      line-height: 1.3;
    }
  `,
  host: { '[attr.data-level]': 'quality().level', 'data-test': 'quality-badge' },
})
export class QualityBadgeComponent {
  private readonly i18n = inject(I18n);
  readonly quality = input.required<ConnectionWords>();

  /** "Poor connection: packet loss. Lowered your video quality." */
  protected readonly sentence = computed(() => {
    const { level, reason, action } = this.quality();
    const levelWords = this.i18n.t(`quality.${level}`);
    if (!reason && !action) return levelWords;
    const head = reason ? this.i18n.t('quality.withReason', { level: levelWords, reason: this.i18n.t(`quality.reason.${reason}`) }) : `${levelWords}.`;
    return action ? `${head} ${this.i18n.t(`quality.action.${action}`)}` : head;
  });
}
