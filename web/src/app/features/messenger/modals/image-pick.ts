import { DestroyRef, signal } from '@angular/core';

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;

/** A picture chosen for upload, with a preview URL that is released when replaced or no longer shown. */
export class ImagePick {
  readonly file = signal<File | null>(null);
  readonly preview = signal<string | null>(null);
  readonly problem = signal<'type' | 'size' | null>(null);

  constructor(destroyRef: DestroyRef) {
    destroyRef.onDestroy(() => this.release());
  }

  choose(file: File | undefined): void {
    if (!file) return;
    if (!IMAGE_TYPES.includes(file.type)) return this.problem.set('type');
    if (file.size > IMAGE_MAX_BYTES) return this.problem.set('size');
    this.release();
    this.problem.set(null);
    this.file.set(file);
    this.preview.set(URL.createObjectURL(file));
  }

  /** Forgets the picture (e.g. once uploaded). */
  clear(): void {
    this.release();
    this.file.set(null);
    this.problem.set(null);
  }

  private release(): void {
    const url = this.preview();
    if (url) URL.revokeObjectURL(url);
    this.preview.set(null);
  }
}
