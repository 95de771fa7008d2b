import { Component, DestroyRef, computed, inject, output, signal } from '@angular/core';
import { LucideCamera } from '@lucide/angular';
import { ChatDescription, ChatName, type Chat, type UserSummary } from '@messenger/contracts';
import { ApiError } from '../../../core/api/api-error';
import { GroupChatService } from '../../../core/chats/group-chat.service';
import { I18n } from '../../../core/i18n/i18n.service';
import { ModalComponent } from '../../../shared/modal.component';
import { UserPickerComponent } from '../../../shared/user-picker.component';
import { apiErrorText } from '../../../core/api/api-error-text';
import { ImagePick } from './image-pick';

export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 500;

/** The feature plan's two-step "Создание беседы": the group's face first, then its people. */
@Component({
  selector: 'app-create-group-modal',
  imports: [ModalComponent, UserPickerComponent, LucideCamera],
  templateUrl: './create-group-modal.component.html',
  styleUrl: './create-group-modal.component.scss',
})
export class CreateGroupModalComponent {
  protected readonly i18n = inject(I18n);
  private readonly groups = inject(GroupChatService);
  readonly closed = output<void>();
  readonly created = output<Chat>();

  protected readonly step = signal<1 | 2>(1);
  protected readonly name = signal('');
  protected readonly description = signal('');
  protected readonly members = signal<UserSummary[]>([]);
  protected readonly avatar = new ImagePick(inject(DestroyRef));
  protected readonly busy = signal(false);
  protected readonly failure = signal<string | null>(null);
  protected readonly nameTouched = signal(false);
  protected readonly nameMax = NAME_MAX;
  protected readonly descriptionMax = DESCRIPTION_MAX;

  protected readonly nameProblem = computed(() => {
    const result = ChatName.safeParse(this.name());
    if (result.success) return null;
    return this.name().trim() ? this.i18n.t('error.invalid') : this.i18n.t('error.required');
  });
  protected readonly descriptionProblem = computed(() => (ChatDescription.safeParse(this.description()).success ? null : this.i18n.t('error.invalid')));
  protected readonly canGoOn = computed(() => !this.nameProblem() && !this.descriptionProblem());

  protected next(): void {
    this.nameTouched.set(true);
    if (this.canGoOn()) this.step.set(2);
  }

  protected async create(): Promise<void> {
    if (this.busy() || this.members().length === 0) return;
    this.busy.set(true);
    this.failure.set(null);
    try {
      const { chat, avatarFailed } = await this.groups.create({
        name: this.name().trim(),
        description: this.description().trim(),
        memberIds: this.members().map((u) => u.id),
        avatar: this.avatar.file(),
      });
      if (avatarFailed) this.failure.set(this.i18n.t('group.avatarFailed'));
      this.created.emit(chat);
    } catch (error) {
      const problem = ApiError.from(error);
      this.failure.set(apiErrorText(this.i18n, problem));
      // A name the server refused is fixed on the first step.
      if (problem.fields.some((f) => f.path === 'name' || f.path === 'description')) this.step.set(1);
    } finally {
      this.busy.set(false);
    }
  }
}
