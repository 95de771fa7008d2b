import { A11yModule } from '@angular/cdk/a11y';
import { Component, DestroyRef, inject, input, output } from '@angular/core';
import { LucideX } from '@lucide/angular';

let nextId = 0;
/** Open dialogs, innermost last: Escape closes only the innermost. */
const open: ModalComponent[] = [];

/**
 * A dialog: focus moves in when it opens, stays inside while it is open (CDK's focus trap), and goes
 * back to whatever had it when the dialog closes. Escape (the innermost dialog) and a click outside close it.
 */
@Component({
  selector: 'app-modal',
  imports: [A11yModule, LucideX],
  template: `
    <div class="backdrop" (click)="closed.emit()"></div>
    <section
      class="dialog"
      role="dialog"
      aria-modal="true"
      [attr.aria-labelledby]="titleId"
      [class.wide]="wide()"
      cdkTrapFocus
      [cdkTrapFocusAutoCapture]="true"
    >
      <header>
        <h2 [id]="titleId">{{ heading() }}</h2>
        <button type="button" class="icon-button" [attr.aria-label]="closeLabel()" (click)="closed.emit()">
          <svg lucideX [size]="20"></svg>
        </button>
      </header>
      <ng-content />
    </section>
  `,
  styleUrl: './modal.component.scss',
  // On the document, not the dialog: a control that got disabled mid-action drops focus to <body>.
  host: { '(document:keydown.escape)': 'escape()' },
})
export class ModalComponent {
  readonly heading = input.required<string>();
  readonly closeLabel = input.required<string>();
  readonly wide = input(false);
  readonly closed = output<void>();
  protected readonly titleId = `modal-title-${++nextId}`;

  constructor() {
    open.push(this);
    inject(DestroyRef).onDestroy(() => open.splice(open.indexOf(this), 1));
  }

  protected escape(): void {
    if (open.at(-1) === this) this.closed.emit();
  }
}
