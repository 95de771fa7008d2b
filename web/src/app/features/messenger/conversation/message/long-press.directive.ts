import { DestroyRef, Directive, ElementRef, inject, output } from '@angular/core';

const HOLD_MS = 450;
const SLOP_PX = 10;
/** Gestures an inner element already answered, so an outer one (a message around a reaction chip) leaves them. */
const claimed = new WeakSet<Event>();

/**
 * "Show me more about this": a touch held still (iOS fires no contextmenu for it), a right click, or the
 * keyboard's context-menu key. The click that ends a held touch is swallowed, so it does not also act as a tap.
 */
@Directive({
  selector: '[appLongPress]',
  host: {
    '(pointerdown)': 'down($event)',
    '(pointermove)': 'move($event)',
    '(pointerup)': 'cancel()',
    '(pointercancel)': 'cancel()',
    '(contextmenu)': 'contextMenu($event)',
  },
})
export class LongPressDirective {
  readonly longPress = output<{ x: number; y: number }>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private start: { x: number; y: number } | null = null;
  private touch = false;
  private fired = false;

  constructor() {
    const host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
    const swallow = (event: Event) => {
      if (!this.fired) return;
      this.fired = false;
      event.stopPropagation();
      event.preventDefault();
    };
    host.addEventListener('click', swallow, { capture: true });
    inject(DestroyRef).onDestroy(() => {
      host.removeEventListener('click', swallow, { capture: true });
      this.cancel();
    });
  }

  protected down(event: PointerEvent): void {
    this.touch = event.pointerType !== 'mouse';
    this.fired = false;
    if (!this.touch || claimed.has(event)) return;
    claimed.add(event);
    this.start = { x: event.clientX, y: event.clientY };
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fired = true;
      if (this.start) this.longPress.emit(this.start);
    }, HOLD_MS);
  }

  protected move(event: PointerEvent): void {
    if (this.timer && this.start && Math.hypot(event.clientX - this.start.x, event.clientY - this.start.y) > SLOP_PX) this.cancel();
  }

  protected cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  protected contextMenu(event: MouseEvent): void {
    if (claimed.has(event)) return;
    claimed.add(event);
    event.preventDefault();
    // A held touch is the timer's to answer (Android fires contextmenu for it too).
    if (this.touch) return;
    this.longPress.emit({ x: event.clientX, y: event.clientY });
  }
}
