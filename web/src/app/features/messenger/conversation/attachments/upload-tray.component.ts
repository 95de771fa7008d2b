import { Component, computed, inject, input } from '@angular/core';
import { LucideFile, LucideX } from '@lucide/angular';
import { MESSAGE_LIMITS } from '@messenger/contracts';
import { I18n } from '../../../../core/i18n/i18n.service';
import { humanSize } from '../../../../core/messages/message-text';
import { uploadErrorText } from './upload-error';
import { UploadsStore, type Upload } from './uploads.store';

/** The files attached in the composer, each with its progress or why it failed, and a button to cancel or remove it. */
@Component({
  selector: 'app-upload-tray',
  imports: [LucideFile, LucideX],
  template: `
    @if (uploads().length || overflow()) {
      <ul class="tray" data-test="upload-tray">
        @for (upload of uploads(); track upload.key) {
          <li class="tray__item" [class.tray__item--failed]="upload.state === 'failed'" data-test="upload" [attr.data-state]="upload.state" [attr.data-name]="upload.name">
            @if (upload.preview) {
              <img class="tray__preview" [src]="upload.preview" alt="" />
            } @else {
              <svg lucideFile class="tray__icon" [size]="28" aria-hidden="true"></svg>
            }
            <div class="tray__body">
              <span class="tray__name">{{ upload.name }}</span>
              @switch (upload.state) {
                @case ('uploading') {
                  <progress class="tray__progress" max="100" [value]="percent(upload)" [attr.aria-label]="i18n.t('attach.uploading', { percent: percent(upload) })" data-test="upload-progress"></progress>
                }
                @case ('failed') {
                  <span class="tray__error" role="alert" data-test="upload-error">{{ error(upload) }}</span>
                }
                @default {
                  <span class="tray__size">{{ size(upload) }}</span>
                }
              }
            </div>
            <button
              type="button"
              class="icon-button tray__remove"
              (click)="store.remove(chatId(), upload.key)"
              [attr.aria-label]="upload.state === 'uploading' ? i18n.t('attach.cancel', { name: upload.name }) : i18n.t('attach.remove', { name: upload.name })"
              data-test="upload-remove"
            >
              <svg lucideX [size]="16" aria-hidden="true"></svg>
            </button>
          </li>
        }
      </ul>
      @if (overflow()) {
        <p class="tray__note" role="status" data-test="upload-limit">{{ i18n.t('attach.tooMany', { count: limit }) }}</p>
      }
    }
  `,
  styleUrl: './upload-tray.component.scss',
})
export class UploadTrayComponent {
  protected readonly i18n = inject(I18n);
  protected readonly store = inject(UploadsStore);
  readonly chatId = input.required<string>();
  protected readonly uploads = computed(() => this.store.list(this.chatId()));
  protected readonly overflow = computed(() => this.store.overflow() === this.chatId());
  protected readonly limit = MESSAGE_LIMITS.attachments;

  protected percent(upload: Upload): number {
    return Math.round(upload.progress * 100);
  }

  protected size(upload: Upload): string {
    return humanSize(upload.size, this.i18n.lang());
  }

  protected error(upload: Upload): string {
    return upload.error ? uploadErrorText(this.i18n, upload.error) : '';
  }
}
