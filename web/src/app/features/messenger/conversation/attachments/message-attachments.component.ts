import { Component, computed, inject, input, output } from '@angular/core';
import { LucideDownload, LucideFile } from '@lucide/angular';
import type { Attachment } from '@messenger/contracts';
import { I18n } from '../../../../core/i18n/i18n.service';
import { humanSize } from '../../../../core/messages/message-text';
import { isInlineImage, thumbnailBox } from './attachment-kinds';

const SINGLE_MAX = 320;

/** A message's files: images as thumbnails (their space kept before they load), other files as download cards. */
@Component({
  selector: 'app-message-attachments',
  imports: [LucideFile, LucideDownload],
  template: `
    @if (images().length) {
      <div class="images" [class.images--grid]="images().length > 1">
        @for (image of images(); track image.id; let i = $index) {
          <button type="button" class="thumb" (click)="view.emit(i)" [attr.aria-label]="i18n.t('attach.open', { name: image.name })" data-test="image-thumb">
            <img
              [src]="image.thumbnailUrl"
              [attr.width]="box(image).width"
              [attr.height]="box(image).height"
              [style.aspect-ratio]="box(image).width + ' / ' + box(image).height"
              [alt]="image.name"
              loading="lazy"
              decoding="async"
            />
          </button>
        }
      </div>
    }
    @for (file of files(); track file.id) {
      <div class="file" data-test="file-card">
        <svg lucideFile class="file__icon" [size]="32" aria-hidden="true"></svg>
        <div class="file__body">
          <a class="file__name" [href]="file.url" [attr.download]="file.name" target="_blank" rel="noopener" data-test="file-name">{{ file.name }}</a>
          <span class="file__size" data-test="file-size">{{ size(file) }}</span>
        </div>
        <a class="icon-button" [href]="file.url" [attr.download]="file.name" target="_blank" rel="noopener" [attr.aria-label]="i18n.t('attach.download', { name: file.name })" data-test="file-download">
          <svg lucideDownload [size]="20" aria-hidden="true"></svg>
        </a>
      </div>
    }
  `,
  styleUrl: './message-attachments.component.scss',
})
export class MessageAttachmentsComponent {
  protected readonly i18n = inject(I18n);
  readonly attachments = input.required<Attachment[]>();
  /** Opens the viewer at this image (an index among the message's images). */
  readonly view = output<number>();
  protected readonly images = computed(() => this.attachments().filter(isInlineImage));
  protected readonly files = computed(() => this.attachments().filter((a) => !isInlineImage(a)));

  protected box(image: Attachment): { width: number; height: number } {
    return thumbnailBox(image, SINGLE_MAX);
  }

  protected size(file: Attachment): string {
    return humanSize(file.size, this.i18n.lang());
  }
}
