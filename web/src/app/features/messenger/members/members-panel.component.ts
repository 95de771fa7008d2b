import { Component, computed, inject, input, output, signal } from '@angular/core';
import { Router } from '@angular/router';
import { LucideCrown, LucideLogOut, LucideShield, LucideUserPlus, LucideX } from '@lucide/angular';
import type { Chat, Participant, Permissions, UserSummary } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { abilitiesIn } from '../../../core/chats/abilities';
import { GroupChatService } from '../../../core/chats/group-chat.service';
import { I18n } from '../../../core/i18n/i18n.service';
import type { MessageKey } from '../../../core/i18n/ru';
import { PresenceStore } from '../../../core/people/presence.store';
import { AvatarComponent } from '../../../shared/avatar.component';
import { ModalComponent } from '../../../shared/modal.component';
import { UserPickerComponent } from '../../../shared/user-picker.component';
import { PendingAction } from '../../../core/api/pending-action';
import { RingMuteSwitchComponent } from './ring-mute-switch.component';

const ROLE_ORDER = { owner: 0, admin: 1, member: 2 } as const;
export const PERMISSION_FLAGS: (keyof Permissions)[] = ['canAddMembers', 'canRemoveMembers', 'canEditInfo', 'canStartCall'];

/**
 * Who is in the group, with roles and presence, under the group's description. A channel shows its plain
 * subscribers only the count (Telegram's way: the list is the admins' to see). A member's card offers only what the viewer may do
 * to them (the shared permission rule decides), plus a personal message; adding people and leaving
 * are at the ends of the list.
 */
@Component({
  selector: 'app-members-panel',
  imports: [AvatarComponent, ModalComponent, UserPickerComponent, RingMuteSwitchComponent, LucideCrown, LucideShield, LucideUserPlus, LucideLogOut, LucideX],
  templateUrl: './members-panel.component.html',
  styleUrl: './members-panel.component.scss',
})
export class MembersPanelComponent {
  protected readonly i18n = inject(I18n);
  private readonly auth = inject(AuthStore);
  private readonly groups = inject(GroupChatService);
  private readonly presence = inject(PresenceStore);
  private readonly router = inject(Router);
  readonly chat = input.required<Chat>();
  readonly closed = output<void>();

  protected readonly myId = computed(() => this.auth.user()?.id ?? '');
  protected readonly abilities = computed(() => abilitiesIn(this.chat(), this.myId()));
  protected readonly members = computed(() =>
    [...this.chat().participants].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.user.name.localeCompare(b.user.name)),
  );
  protected readonly expanded = signal<string | null>(null);
  protected readonly adding = signal(false);
  protected readonly toAdd = signal<UserSummary[]>([]);
  protected readonly confirmLeave = signal(false);
  private readonly action = new PendingAction(this.i18n);
  protected readonly busy = this.action.busy;
  protected readonly failure = this.action.failure;
  protected readonly flags = PERMISSION_FLAGS;
  protected readonly memberIds = computed(() => this.chat().participants.map((p) => p.user.id));
  protected readonly channel = computed(() => this.chat().type === 'channel');
  protected readonly listHidden = computed(() => this.channel() && (this.abilities().me?.role ?? 'member') === 'member');

  constructor() {
    // Presence of everyone listed; the store asks once per person.
    queueMicrotask(() => {
      if (!this.listHidden()) this.presence.watch(this.memberIds());
    });
  }

  protected online(userId: string): boolean {
    return this.presence.online(userId);
  }

  protected roleLabel(member: Participant): string {
    return this.i18n.t(`role.${member.role}` as MessageKey);
  }

  protected flagLabel(flag: keyof Permissions): string {
    return this.i18n.t(`permission.${flag}` as MessageKey);
  }

  protected toggle(member: Participant): void {
    this.action.failure.set(null);
    this.expanded.update((id) => (id === member.user.id ? null : member.user.id));
  }

  protected setRole(member: Participant, role: 'admin' | 'member'): Promise<void> {
    return this.action.run(() => this.groups.setRole(this.chat().id, member.user.id, role));
  }

  protected setFlag(member: Participant, flag: keyof Permissions, value: boolean): Promise<void> {
    return this.action.run(() => this.groups.setPermission(this.chat().id, member.user.id, flag, value));
  }

  protected remove(member: Participant): Promise<void> {
    return this.action.run(async () => {
      await this.groups.removeMember(this.chat().id, member.user.id);
      this.expanded.set(null);
    });
  }

  protected transfer(member: Participant): Promise<void> {
    return this.action.run(() => this.groups.transferOwnership(this.chat().id, member.user.id));
  }

  protected message(member: Participant): Promise<void> {
    return this.action.run(async () => {
      const chat = await this.groups.openPersonal(member.user.id);
      await this.router.navigate(['/chats', chat.id]);
    });
  }

  protected add(): Promise<void> {
    const ids = this.toAdd().map((u) => u.id);
    if (ids.length === 0) return Promise.resolve();
    return this.action.run(async () => {
      await this.groups.addMembers(this.chat().id, ids);
      this.adding.set(false);
      this.toAdd.set([]);
    });
  }

  protected leave(): Promise<void> {
    return this.action.run(async () => {
      await this.groups.leave(this.chat().id, this.myId());
      this.confirmLeave.set(false);
      await this.router.navigateByUrl('/');
    });
  }
}
