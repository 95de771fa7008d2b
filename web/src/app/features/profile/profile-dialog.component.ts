import { Component, DestroyRef, computed, inject, output, signal } from '@angular/core';
import { LucideCamera } from '@lucide/angular';
import { Bio, DisplayName } from '@messenger/contracts';
import { ApiError } from '../../core/api/api-error';
import { apiErrorText } from '../../core/api/api-error-text';
import { PendingAction } from '../../core/api/pending-action';
import { AuthStore } from '../../core/auth/auth.store';
import { I18n } from '../../core/i18n/i18n.service';
import { AvatarComponent } from '../../shared/avatar.component';
import { ModalComponent } from '../../shared/modal.component';
import { ImagePick } from '../messenger/modals/image-pick';
import { ProfileService } from './profile.service';

export const PROFILE_NAME_MAX = 64;
export const PROFILE_BIO_MAX = 200;

/** "My profile" from the menu: picture, display name and bio, saved together. The username does not change. */
@Component({
  selector: 'app-profile-dialog',
  imports: [ModalComponent, AvatarComponent, LucideCamera],
  templateUrl: './profile-dialog.component.html',
  styleUrl: './profile-dialog.component.scss',
})
export class ProfileDialogComponent {
  protected readonly i18n = inject(I18n);
  protected readonly auth = inject(AuthStore);
  private readonly profile = inject(ProfileService);
  readonly closed = output<void>();

  protected readonly name = signal(this.auth.user()?.name ?? '');
  protected readonly bio = signal(this.auth.user()?.bio ?? '');
  protected readonly avatar = new ImagePick(inject(DestroyRef));
  private readonly action = new PendingAction(this.i18n);
  protected readonly busy = this.action.busy;
  protected readonly failure = this.action.failure;
  protected readonly saved = signal(false);
  protected readonly nameMax = PROFILE_NAME_MAX;
  protected readonly bioMax = PROFILE_BIO_MAX;

  protected readonly nameProblem = computed(() => (DisplayName.safeParse(this.name()).success ? null : this.i18n.t(this.name().trim() ? 'error.invalid' : 'error.required')));
  protected readonly bioProblem = computed(() => (Bio.safeParse(this.bio()).success ? null : this.i18n.t('error.invalid')));
  private readonly infoChanged = computed(() => {
    const user = this.auth.user();
    return !!user && (this.name().trim() !== user.name || this.bio() !== user.bio);
  });
  protected readonly changed = computed(() => this.infoChanged() || this.avatar.file() !== null);

  protected edit(field: 'name' | 'bio', value: string): void {
    this.saved.set(false);
    this[field].set(value);
  }

  protected pick(file: File | undefined): void {
    this.saved.set(false);
    this.avatar.choose(file);
  }

  protected save(): Promise<void> {
    if (!this.changed() || this.nameProblem() || this.bioProblem()) return Promise.resolve();
    return this.action.run(async () => {
      const user = this.auth.user();
      if (!user) return;
      const name = this.name().trim();
      if (this.infoChanged()) await this.profile.update({ ...(name !== user.name ? { name } : {}), ...(this.bio() !== user.bio ? { bio: this.bio() } : {}) });
      const image = this.avatar.file();
      this.name.set(this.auth.user()?.name ?? name);
      if (image) {
        try {
          await this.profile.setAvatar(image);
          this.avatar.clear();
        } catch (error) {
          // The words are saved by now: say what was not, and keep the picture to try again.
          this.failure.set(this.i18n.t('profile.avatarFailed', { reason: apiErrorText(this.i18n, ApiError.from(error)) }));
          return;
        }
      }
      this.saved.set(true);
    });
  }
}
