import { Component, computed, input, signal } from '@angular/core';

// Discord's default avatar hues, picked by the id so a person keeps their colour everywhere.
const HUES = ['#5865f2', '#3ba55c', '#faa61a', '#ed4245', '#eb459e', '#747f8d', '#00a8fc'];

const initialsOf = (name: string): string => {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words[1]![0]] : [...(words[0] ?? '?')].slice(0, 2);
  return letters.join('').toLocaleUpperCase();
};

/** A round picture, or the initials on a colour when there is none (or it fails to load). */
@Component({
  selector: 'app-avatar',
  template: `
    @if (url() && !broken()) {
      <img [src]="url()" alt="" (error)="broken.set(true)" />
    } @else {
      <span class="initials" [style.background]="hue()">{{ initials() }}</span>
    }
    @if (presence() !== null) {
      <span class="presence" role="img" [class.online]="presence()" [attr.aria-label]="presenceLabel()"></span>
    }
  `,
  styleUrl: './avatar.component.scss',
  host: { '[style.--size.px]': 'size()' },
})
export class AvatarComponent {
  readonly name = input.required<string>();
  readonly id = input('');
  readonly url = input<string | null>(null);
  readonly size = input(40);
  /** null: no dot (groups); true/false: online/offline. */
  readonly presence = input<boolean | null>(null);
  readonly presenceLabel = input('');
  protected readonly broken = signal(false);
  protected readonly initials = computed(() => initialsOf(this.name()));
  protected readonly hue = computed(() => {
    const key = this.id() || this.name();
    let hash = 0;
    for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    return HUES[hash % HUES.length];
  });
}
