import { Component, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { LoginBody } from '@messenger/contracts';
import { ApiError } from '../../core/api/api-error';
import { apiErrorText } from '../../core/api/api-error-text';
import { AuthStore } from '../../core/auth/auth.store';
import { I18n } from '../../core/i18n/i18n.service';
import { problemOf, zodValidator } from './zod-validator';

@Component({
  selector: 'app-sign-in',
  imports: [ReactiveFormsModule, RouterLink],
  templateUrl: './sign-in.component.html',
  styleUrl: './auth-card.scss',
})
export class SignInComponent {
  protected readonly i18n = inject(I18n);
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  protected readonly form = new FormGroup({
    username: new FormControl('', { nonNullable: true, validators: zodValidator(LoginBody.shape.username) }),
    password: new FormControl('', { nonNullable: true, validators: zodValidator(LoginBody.shape.password) }),
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
      const { username, password } = this.form.getRawValue();
      await this.auth.signIn(username, password);
      await this.router.navigateByUrl('/');
    } catch (error) {
      this.failure.set(apiErrorText(this.i18n, ApiError.from(error)));
    } finally {
      this.busy.set(false);
    }
  }
}
