import { A11yModule } from '@angular/cdk/a11y';
import { Component, input, output } from '@angular/core';
import { LucideX } from '@lucide/angular';

let nextId = 0;

/**
 * A dialog: focus moves in when it opens, stays inside while it is open (CDK's focus trap), and goes
 * back to whatever had it when the dialog closes. Escape and a click outside close it.
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
      (keydown.escape)="closed.emit()"
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
})
export class ModalComponent {
  readonly heading = input.required<string>();
  readonly closeLabel = input.required<string>();
  readonly wide = input(false);
  readonly closed = output<void>();
  protected readonly titleId = `modal-title-${++nextId}`;
}
