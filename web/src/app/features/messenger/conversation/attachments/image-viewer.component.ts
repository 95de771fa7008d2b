import { A11yModule } from '@angular/cdk/a11y';
import { Component, computed, inject, input, linkedSignal, output } from '@angular/core';
import { LucideChevronLeft, LucideChevronRight, LucideDownload, LucideX } from '@lucide/angular';
import type { Attachment } from '@messenger/contracts';
import { I18n } from '../../../../core/i18n/i18n.service';

/** A message's images full screen, one at a time: Escape or the close button leaves, arrow keys go between them. */
@Component({
  selector: 'app-image-viewer',
  imports: [A11yModule, LucideX, LucideChevronLeft, LucideChevronRight, LucideDownload],
  template: `
    @if (current(); as image) {
      <div class="viewer" role="dialog" aria-modal="true" [attr.aria-label]="title()" cdkTrapFocus [cdkTrapFocusAutoCapture]="true" (keydown)="key($event)" data-test="image-viewer">
        <div class="viewer__backdrop" (click)="closed.emit()"></div>
        <header class="viewer__bar">
          <span class="viewer__name">{{ image.name }}</span>
          @if (images().length > 1) {
            <span class="viewer__count">{{ title() }}</span>
          }
          <a class="icon-button" [href]="image.url" [attr.download]="image.name" target="_blank" rel="noopener" [attr.aria-label]="i18n.t('attach.download', { name: image.name })">
            <svg lucideDownload [size]="20" aria-hidden="true"></svg>
          </a>
          <button type="button" class="icon-button" (click)="closed.emit()" [attr.aria-label]="i18n.t('common.close')" cdkFocusInitial data-test="viewer-close">
            <svg lucideX [size]="22" aria-hidden="true"></svg>
          </button>
        </header>
        <img class="viewer__image" [src]="image.url" [alt]="image.name" data-test="viewer-image" />
        @if (images().length > 1) {
          <button type="button" class="viewer__step viewer__step--prev icon-button" (click)="step(-1)" [attr.aria-label]="i18n.t('viewer.prev')" data-test="viewer-prev">
            <svg lucideChevronLeft [size]="28" aria-hidden="true"></svg>
          </button>
          <button type="button" class="viewer__step viewer__step--next icon-button" (click)="step(1)" [attr.aria-label]="i18n.t('viewer.next')" data-test="viewer-next">
            <svg lucideChevronRight [size]="28" aria-hidden="true"></svg>
          </button>
        }
      </div>
    }
  `,
  styleUrl: './image-viewer.component.scss',
})
export class ImageViewerComponent {
  protected readonly i18n = inject(I18n);
  readonly images = input.required<Attachment[]>();
  readonly start = input(0);
  readonly closed = output<void>();
  protected readonly index = linkedSignal(() => this.start());
  protected readonly current = computed(() => this.images()[this.index()] ?? null);
  protected readonly title = computed(() => this.i18n.t('viewer.title', { index: this.index() + 1, count: this.images().length }));

  protected step(by: number): void {
    const count = this.images().length;
    this.index.update((i) => (i + by + count) % count);
  }

  protected key(event: KeyboardEvent): void {
    if (event.key === 'Escape') this.closed.emit();
    else if (event.key === 'ArrowLeft') this.step(-1);
    else if (event.key === 'ArrowRight') this.step(1);
    else return;
    event.preventDefault();
    event.stopPropagation();
  }
}
