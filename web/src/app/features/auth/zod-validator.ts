import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import type { z } from 'zod';
import type { MessageKey } from '../../core/i18n/ru';

export interface FieldProblem {
  key: MessageKey;
  params?: Record<string, number>;
}

/**
 * Form validation from the very schemas the server checks (libs/contracts), so the screen and the
 * API never disagree about what a valid username is.
 */
export const zodValidator =
  (schema: z.ZodType): ValidatorFn =>
  (control: AbstractControl): ValidationErrors | null => {
    const value: unknown = control.value;
    if (value === '' || value === null || value === undefined) return { problem: { key: 'error.required' } satisfies FieldProblem };
    const result = schema.safeParse(value);
    if (result.success) return null;
    const issue = result.error.issues[0]!;
    const problem: FieldProblem =
      issue.code === 'too_small'
        ? { key: 'error.tooShort', params: { min: Number(issue.minimum) } }
        : issue.code === 'too_big'
          ? { key: 'error.tooLong', params: { max: Number(issue.maximum) } }
          : issue.code === 'invalid_format'
            ? { key: 'error.usernameChars' }
            : { key: 'error.invalid' };
    return { problem };
  };

export const problemOf = (control: AbstractControl): FieldProblem | null => (control.errors?.['problem'] as FieldProblem | undefined) ?? null;
