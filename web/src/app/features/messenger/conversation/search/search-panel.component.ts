import { Component, DestroyRef, ElementRef, afterNextRender, computed, effect, inject, input, output, signal, untracked, viewChild } from '@angular/core';
import { LucideSearch, LucideX } from '@lucide/angular';
import type { Chat, Message } from '@messenger/contracts';
import { Api } from '../../../../core/api/api.service';
import { ApiError } from '../../../../core/api/api-error';
import { apiErrorText } from '../../../../core/api/api-error-text';
import { I18n } from '../../../../core/i18n/i18n.service';
import { highlight } from '../../../../core/messages/highlight';
import { MemberNames } from '../member-names';

/** Typing pauses this long before a search goes out. */
const DEBOUNCE_MS = 300;

/**
 * Search in one chat: a bar under the header and, below it, the results newest first with the words found
 * marked, more by "load more". Picking a result jumps to the message in the history.
 */
@Component({
  selector: 'app-search-panel',
  imports: [LucideSearch, LucideX],
  templateUrl: './search-panel.component.html',
  styleUrl: './search-panel.component.scss',
  host: { '(keydown)': 'key($event)' },
})
export class SearchPanelComponent {
  protected readonly i18n = inject(I18n);
  private readonly api = inject(Api);
  private readonly names = inject(MemberNames);
  readonly chat = input.required<Chat>();
  /** The seq of the message picked, to scroll the history to. */
  readonly jump = output<number>();
  readonly closed = output<void>();
  private readonly input = viewChild.required<ElementRef<HTMLInputElement>>('field');

  protected readonly query = signal('');
  protected readonly state = signal<'idle' | 'searching' | 'ready' | 'error'>('idle');
  protected readonly error = signal('');
  /** The results list is folded away after a pick, and comes back when the field is used again. */
  protected readonly showResults = signal(true);
  protected readonly loadingMore = signal(false);
  private readonly found = signal<{ query: string; items: Message[]; next: string | null }>({ query: '', items: [], next: null });
  protected readonly hasMore = computed(() => this.found().next !== null);
  protected readonly results = computed(() => {
    const { query, items } = this.found();
    return items.map((message) => ({ message, runs: highlight(message.text, query) }));
  });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor() {
    effect(() => {
      this.chat().id;
      untracked(() => this.reset());
    });
    afterNextRender(() => this.input().nativeElement.focus());
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  protected typed(value: string): void {
    this.query.set(value);
    this.showResults.set(true);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.search(), DEBOUNCE_MS);
  }

  protected async search(): Promise<void> {
    clearTimeout(this.timer);
    const query = this.query().trim();
    const generation = ++this.generation;
    if (!query) {
      this.found.set({ query: '', items: [], next: null });
      this.state.set('idle');
      return;
    }
    this.state.set('searching');
    this.showResults.set(true);
    try {
      const page = await this.api.searchMessages(this.chat().id, query);
      if (generation !== this.generation) return;
      this.found.set({ query, items: page.items, next: page.nextCursor });
      this.state.set('ready');
    } catch (error) {
      if (generation !== this.generation) return;
      this.error.set(this.i18n.t('search.failed', { reason: apiErrorText(this.i18n, ApiError.from(error)) }));
      this.state.set('error');
    }
  }

  protected async more(): Promise<void> {
    const { query, items, next } = this.found();
    if (!next || this.loadingMore()) return;
    const generation = this.generation;
    this.loadingMore.set(true);
    try {
      const page = await this.api.searchMessages(this.chat().id, query, next);
      if (generation === this.generation) this.found.set({ query, items: [...items, ...page.items], next: page.nextCursor });
    } catch (error) {
      if (generation === this.generation) {
        this.error.set(this.i18n.t('search.failed', { reason: apiErrorText(this.i18n, ApiError.from(error)) }));
        this.state.set('error');
      }
    } finally {
      this.loadingMore.set(false);
    }
  }

  protected pick(message: Message): void {
    this.showResults.set(false);
    this.jump.emit(message.seq);
  }

  protected author(message: Message): string {
    return this.names.name(message.senderId, this.chat());
  }

  protected when(message: Message): string {
    return `${this.i18n.day(message.createdAt)}, ${this.i18n.time(message.createdAt)}`;
  }

  protected key(event: KeyboardEvent): void {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    this.closed.emit();
  }

  private reset(): void {
    clearTimeout(this.timer);
    this.generation++;
    this.query.set('');
    this.found.set({ query: '', items: [], next: null });
    this.state.set('idle');
  }
}
