import { HttpEventType } from '@angular/common/http';
import { Injectable, effect, inject, signal } from '@angular/core';
import { ATTACHMENT_MAX_BYTES, MESSAGE_LIMITS, type Attachment } from '@messenger/contracts';
import type { Subscription } from 'rxjs';
import { Api } from '../../../../core/api/api.service';
import { ApiError } from '../../../../core/api/api-error';
import { AuthStore } from '../../../../core/auth/auth.store';

/** A file on its way to being sent: uploading (with progress), uploaded, or turned away with the reason. */
export interface Upload {
  key: string;
  name: string;
  size: number;
  /** A local picture of an image file, shown while it uploads. */
  preview: string | null;
  /** 0 to 1. */
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  attachment: Attachment | null;
  error: ApiError | null;
}

let nextKey = 0;

/**
 * Files attached in each chat's composer. Each uploads as soon as it is picked, pasted or dropped, so sending
 * only names the uploaded ids; removing one cancels its upload. Kept per chat while the reader looks elsewhere.
 */
@Injectable({ providedIn: 'root' })
export class UploadsStore {
  private readonly api = inject(Api);
  private readonly byChat = signal<ReadonlyMap<string, Upload[]>>(new Map());
  private readonly running = new Map<string, Subscription>();
  /** The chat where the last files went over the per-message limit (they were left out). */
  readonly overflow = signal<string | null>(null);

  constructor() {
    const auth = inject(AuthStore);
    effect(() => {
      if (auth.status() === 'signed-out') for (const chatId of this.byChat().keys()) this.clear(chatId);
    });
  }

  list(chatId: string): Upload[] {
    return this.byChat().get(chatId) ?? [];
  }

  /** Whether a send must wait: a file is still uploading. */
  busy(chatId: string): boolean {
    return this.list(chatId).some((u) => u.state === 'uploading');
  }

  add(chatId: string, files: readonly File[]): void {
    const room = MESSAGE_LIMITS.attachments - this.list(chatId).filter((u) => u.state !== 'failed').length;
    this.overflow.set(files.length > room ? chatId : null);
    for (const file of files.slice(0, Math.max(0, room))) this.start(chatId, file);
  }

  /** Cancels the file's upload if it is still going, and forgets it. */
  remove(chatId: string, key: string): void {
    this.running.get(key)?.unsubscribe();
    this.running.delete(key);
    const upload = this.list(chatId).find((u) => u.key === key);
    if (upload?.preview) URL.revokeObjectURL(upload.preview);
    this.set(chatId, (list) => list.filter((u) => u.key !== key));
    this.overflow.set(null);
  }

  /** The uploaded files, for a message being sent; the chat's tray empties (files that failed go with it). */
  take(chatId: string): Attachment[] {
    const attachments = this.list(chatId).flatMap((u) => (u.attachment ? [u.attachment] : []));
    this.clear(chatId);
    return attachments;
  }

  clear(chatId: string): void {
    for (const upload of this.list(chatId)) this.remove(chatId, upload.key);
  }

  private start(chatId: string, file: File): void {
    const key = `upload-${++nextKey}`;
    const image = file.type.startsWith('image/') && typeof URL.createObjectURL === 'function';
    const upload: Upload = { key, name: file.name, size: file.size, preview: image ? URL.createObjectURL(file) : null, progress: 0, state: 'uploading', attachment: null, error: null };
    this.set(chatId, (list) => [...list, upload]);
    // The contract's limit, checked here so a file that could never go is not sent first; the gateway has the last word.
    if (file.size > ATTACHMENT_MAX_BYTES) {
      this.change(chatId, key, { state: 'failed', error: new ApiError(413, 'PAYLOAD_TOO_LARGE', `the file is larger than ${ATTACHMENT_MAX_BYTES} bytes`) });
      return;
    }
    const subscription = this.api.uploadAttachment(chatId, file).subscribe({
      next: (event) => {
        if (event.type === HttpEventType.UploadProgress && event.total) this.change(chatId, key, { progress: event.loaded / event.total });
        if (event.type === HttpEventType.Response && event.body) this.change(chatId, key, { state: 'done', progress: 1, attachment: event.body });
      },
      error: (error: unknown) => {
        this.running.delete(key);
        this.change(chatId, key, { state: 'failed', error: ApiError.from(error) });
      },
      complete: () => this.running.delete(key),
    });
    if (!subscription.closed) this.running.set(key, subscription);
  }

  private change(chatId: string, key: string, change: Partial<Upload>): void {
    this.set(chatId, (list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));
  }

  private set(chatId: string, change: (list: Upload[]) => Upload[]): void {
    this.byChat.update((all) => new Map(all).set(chatId, change(all.get(chatId) ?? [])));
  }
}
