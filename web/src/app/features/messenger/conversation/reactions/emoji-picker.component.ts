import { A11yModule } from '@angular/cdk/a11y';
import { Component, ElementRef, inject, output } from '@angular/core';
import { I18n } from '../../../../core/i18n/i18n.service';
import { REACTION_EMOJI } from './emoji';

const COLUMNS = 8;

/** A small grid of common emoji; arrow keys move between them, Enter picks, Escape closes. */
@Component({
  selector: 'app-emoji-picker',
  imports: [A11yModule],
  template: `
    <div class="picker" role="dialog" [attr.aria-label]="i18n.t('reactions.picker')" cdkTrapFocus [cdkTrapFocusAutoCapture]="true" (keydown)="key($event)" data-test="emoji-picker">
      @for (emoji of emoji; track emoji) {
        <button type="button" class="picker__emoji" (click)="picked.emit(emoji)" [attr.aria-label]="emoji" data-test="emoji-option" [attr.data-emoji]="emoji">{{ emoji }}</button>
      }
    </div>
  `,
  styles: `
    .picker {
      display: grid;
      grid-template-columns: repeat(${COLUMNS}, 36px);
      gap: 2px;
      padding: 8px;
      max-width: calc(100vw - 16px);
      max-height: 240px;
      overflow-y: auto;
      border-radius: 8px;
      background: #2b2d31;
      box-shadow: 0 8px 24px rgba(0, 0, 0, 0.45);
    }

    .picker__emoji {
      width: 36px;
      height: 36px;
      padding: 0;
      border: none;
      border-radius: 4px;
      background: none;
      font-size: 22px;
      line-height: 1;
      cursor: pointer;

      &:hover,
      &:focus-visible {
        background: rgba(255, 255, 255, 0.08);
      }
    }
  `,
})
export class EmojiPickerComponent {
  protected readonly i18n = inject(I18n);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly emoji = REACTION_EMOJI;
  readonly picked = output<string>();
  readonly closed = output<void>();

  protected key(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.closed.emit();
      return;
    }
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[event.key];
    if (!step) return;
    const buttons = Array.from(this.host.nativeElement.querySelectorAll<HTMLButtonElement>('button'));
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[Math.min(buttons.length - 1, Math.max(0, at + step))];
    event.preventDefault();
    next?.focus();
  }
}
