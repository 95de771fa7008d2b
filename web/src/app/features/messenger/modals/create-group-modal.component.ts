import { Component, DestroyRef, computed, inject, output, signal } from '@angular/core';
import { LucideCamera, LucideMegaphone, LucideUsers } from '@lucide/angular';
import { ChatDescription, ChatName, type Chat, type UserSummary } from '@messenger/contracts';
import { ApiError } from '../../../core/api/api-error';
import { Api } from '../../../core/api/api.service';
import { ChatsStore } from '../../../core/chats/chats.store';
import { GroupChatService } from '../../../core/chats/group-chat.service';
import { I18n } from '../../../core/i18n/i18n.service';
import { ModalComponent } from '../../../shared/modal.component';
import { UserPickerComponent } from '../../../shared/user-picker.component';
import { apiErrorText } from '../../../core/api/api-error-text';
import { ImagePick } from './image-pick';

export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 500;
export type NewChatType = 'group' | 'channel';

/**
 * The feature plan's two-step "Создание беседы": what it is (a group, where everyone writes, or a channel,
 * where the owner and admins post and subscribers read) and its face first, then its people.
 */
@Component({
  selector: 'app-create-group-modal',
  imports: [ModalComponent, UserPickerComponent, LucideCamera, LucideUsers, LucideMegaphone],
  templateUrl: './create-group-modal.component.html',
  styleUrl: './create-group-modal.component.scss',
})
export class CreateGroupModalComponent {
  protected readonly i18n = inject(I18n);
  private readonly groups = inject(GroupChatService);
  private readonly api = inject(Api);
  private readonly chats = inject(ChatsStore);
  readonly closed = output<void>();
  readonly created = output<Chat>();

  protected readonly types: readonly NewChatType[] = ['group', 'channel'];
  protected readonly type = signal<NewChatType>('group');
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
  protected readonly heading = computed(() => {
    const channel = this.type() === 'channel';
    if (this.step() === 2) return this.i18n.t(channel ? 'group.create.subscribersTitle' : 'group.create.membersTitle');
    return this.i18n.t(channel ? 'group.create.channelTitle' : 'group.create.title');
  });

  protected next(): void {
    this.nameTouched.set(true);
    if (this.canGoOn()) this.step.set(2);
  }

  protected async create(): Promise<void> {
    if (this.busy() || this.members().length === 0) return;
    this.busy.set(true);
    this.failure.set(null);
    try {
      const { chat, avatarFailed } = await this.createChat();
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

  /**
   * GroupChatService.create makes groups only, so the chosen type is posted here; the chat goes into the
   * list as the service would put it, and a failed picture upload leaves the chat without one.
   */
  private async createChat(): Promise<{ chat: Chat; avatarFailed: boolean }> {
    const description = this.description().trim();
    const chat = await this.api.createGroup({
      type: this.type(),
      name: this.name().trim(),
      ...(description ? { description } : {}),
      memberIds: this.members().map((u) => u.id),
    });
    this.chats.upsert(chat);
    const avatar = this.avatar.file();
    if (!avatar) return { chat, avatarFailed: false };
    try {
      return { chat: await this.groups.setAvatar(chat.id, avatar), avatarFailed: false };
    } catch {
      return { chat, avatarFailed: true };
    }
  }
}
