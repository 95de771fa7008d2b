import { Component, DestroyRef, computed, inject, input, output, signal } from '@angular/core';
import { Router } from '@angular/router';
import { LucideCamera } from '@lucide/angular';
import { ChatDescription, ChatName, type CallSettings, type Chat } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { abilitiesIn } from '../../../core/chats/abilities';
import { GroupChatService } from '../../../core/chats/group-chat.service';
import { I18n } from '../../../core/i18n/i18n.service';
import { AvatarComponent } from '../../../shared/avatar.component';
import { ModalComponent } from '../../../shared/modal.component';
import { PendingAction } from '../../../core/api/pending-action';
import { DESCRIPTION_MAX, NAME_MAX } from '../modals/create-group-modal.component';
import { ImagePick } from '../modals/image-pick';

/**
 * A group's settings: its name, description and picture; how calls behave; and, for the owner,
 * handing the group to someone else or deleting it (after a second confirmation).
 */
@Component({
  selector: 'app-group-settings',
  imports: [ModalComponent, AvatarComponent, LucideCamera],
  templateUrl: './group-settings.component.html',
  styleUrl: './group-settings.component.scss',
})
export class GroupSettingsComponent {
  protected readonly i18n = inject(I18n);
  private readonly groups = inject(GroupChatService);
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  readonly chat = input.required<Chat>();
  readonly closed = output<void>();

  protected readonly abilities = computed(() => abilitiesIn(this.chat(), this.auth.user()?.id ?? ''));
  protected readonly name = signal('');
  protected readonly description = signal('');
  protected readonly avatar = new ImagePick(inject(DestroyRef));
  private readonly action = new PendingAction(this.i18n);
  protected readonly busy = this.action.busy;
  protected readonly failure = this.action.failure;
  protected readonly saved = signal(false);
  protected readonly confirmDelete = signal(false);
  protected readonly newOwner = signal('');
  protected readonly nameMax = NAME_MAX;
  protected readonly descriptionMax = DESCRIPTION_MAX;
  protected readonly nameProblem = computed(() => (ChatName.safeParse(this.name()).success ? null : this.i18n.t(this.name().trim() ? 'error.invalid' : 'error.required')));
  protected readonly changed = computed(
    () => this.name().trim() !== this.chat().name || this.description().trim() !== this.chat().description || this.avatar.file() !== null,
  );
  protected readonly others = computed(() => this.chat().participants.filter((p) => p.user.id !== this.auth.user()?.id));

  constructor() {
    queueMicrotask(() => {
      this.name.set(this.chat().name);
      this.description.set(this.chat().description);
    });
  }

  protected saveInfo(): Promise<void> {
    if (this.nameProblem() || !ChatDescription.safeParse(this.description()).success) return Promise.resolve();
    return this.run(async () => {
      const chat = this.chat();
      const name = this.name().trim();
      const description = this.description().trim();
      if (name !== chat.name || description !== chat.description)
        await this.groups.editInfo(chat.id, { ...(name !== chat.name ? { name } : {}), ...(description !== chat.description ? { description } : {}) });
      const image = this.avatar.file();
      if (image) await this.groups.setAvatar(chat.id, image);
      this.saved.set(true);
    });
  }

  protected setCall(change: Partial<CallSettings>): Promise<void> {
    return this.run(() => this.groups.setCallSettings(this.chat().id, change));
  }

  protected transfer(): Promise<void> {
    const userId = this.newOwner();
    if (!userId) return Promise.resolve();
    return this.run(() => this.groups.transferOwnership(this.chat().id, userId));
  }

  protected delete(): Promise<void> {
    return this.run(async () => {
      await this.groups.delete(this.chat().id);
      this.closed.emit();
      await this.router.navigateByUrl('/');
    });
  }

  private run(action: () => Promise<unknown>): Promise<void> {
    this.saved.set(false);
    return this.action.run(action);
  }
}
