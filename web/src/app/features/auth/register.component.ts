import { Component, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { DisplayName, Password, Username } from '@messenger/contracts';
import { ApiError } from '../../core/api/api-error';
import { apiErrorText } from '../../core/api/api-error-text';
import { AuthStore } from '../../core/auth/auth.store';
import { I18n } from '../../core/i18n/i18n.service';
import type { MessageKey } from '../../core/i18n/ru';
import { problemOf, zodValidator } from './zod-validator';

type Field = 'username' | 'name' | 'password';

@Component({
  selector: 'app-register',
  imports: [ReactiveFormsModule, RouterLink],
  templateUrl: './register.component.html',
  styleUrl: './auth-card.scss',
})
export class RegisterComponent {
  protected readonly i18n = inject(I18n);
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  protected readonly fields: { name: Field; label: MessageKey; type: string; autocomplete: string }[] = [
    { name: 'username', label: 'auth.field.username', type: 'text', autocomplete: 'username' },
    { name: 'name', label: 'auth.field.name', type: 'text', autocomplete: 'nickname' },
    { name: 'password', label: 'auth.field.password', type: 'password', autocomplete: 'new-password' },
  ];
  protected readonly form = new FormGroup({
    username: new FormControl('', { nonNullable: true, validators: zodValidator(Username) }),
    name: new FormControl('', { nonNullable: true, validators: zodValidator(DisplayName) }),
    password: new FormControl('', { nonNullable: true, validators: zodValidator(Password) }),
  });
  protected readonly busy = signal(false);
  protected readonly failure = signal<string | null>(null);
  protected readonly problemOf = problemOf;

  protected async submit(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) return;
    this.busy.set(true);
    this.failure.set(null);
    try {
      const { username, name, password } = this.form.getRawValue();
      await this.auth.register(username, name, password);
      await this.router.navigateByUrl('/');
    } catch (error) {
      this.failure.set(apiErrorText(this.i18n, ApiError.from(error)));
    } finally {
      this.busy.set(false);
    }
  }
}
