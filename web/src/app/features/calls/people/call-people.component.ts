import { Component, computed, inject, input, output, signal } from '@angular/core';
import { LucideBellOff, LucideBellRing, LucideCrown, LucideHand, LucideMic, LucideMicOff, LucideShield, LucideUserMinus, LucideX } from '@lucide/angular';
import type { Role } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { PendingAction } from '../../../core/api/pending-action';
import { callAbilitiesIn } from '../../../core/calls/call-abilities';
import { callPeople, type CallPerson } from '../../../core/calls/call-people';
import type { ActiveCall } from '../../../core/calls/calls.store';
import { CallsStore } from '../../../core/calls/calls.store';
import { ChatsStore } from '../../../core/chats/chats.store';
import { I18n } from '../../../core/i18n/i18n.service';
import type { MessageKey } from '../../../core/i18n/ru';
import { PeopleStore } from '../../../core/people/people.store';
import { AvatarComponent } from '../../../shared/avatar.component';
import { ModalComponent } from '../../../shared/modal.component';

/**
 * Who is in the call and who is not: raised hands first (by time), then everyone here with their role,
 * whether they speak or are muted, then the chat's other members, those being rung first. A moderator gets
 * mute, lower hand and remove (confirmed) on each person; whoever may ring gets "ring" on those away.
 */
@Component({
  selector: 'app-call-people',
  imports: [
    AvatarComponent,
    ModalComponent,
    LucideBellOff,
    LucideBellRing,
    LucideCrown,
    LucideHand,
    LucideMic,
    LucideMicOff,
    LucideShield,
    LucideUserMinus,
    LucideX,
  ],
  templateUrl: './call-people.component.html',
  styleUrl: './call-people.component.scss',
})
export class CallPeopleComponent {
  protected readonly i18n = inject(I18n);
  private readonly calls = inject(CallsStore);
  private readonly chats = inject(ChatsStore);
  private readonly people = inject(PeopleStore);
  private readonly auth = inject(AuthStore);
  readonly active = input.required<ActiveCall>();
  readonly closed = output<void>();

  private readonly myId = computed(() => this.auth.user()?.id ?? '');
  private readonly chat = computed(() => this.chats.get(this.active().call.chatId));
  protected readonly can = computed(() => callAbilitiesIn(this.chat(), this.myId()));
  protected readonly list = computed(() =>
    callPeople(this.active().call, this.active().session.snapshot().members, this.chat()?.participants ?? [], this.myId()),
  );
  protected readonly removing = signal<CallPerson | null>(null);
  private readonly action = new PendingAction(this.i18n);
  protected readonly busy = this.action.busy;
  protected readonly failure = this.action.failure;

  protected roleKey(role: Role): MessageKey {
    return `role.${role}`;
  }

  protected avatarOf(id: string): string | null {
    return this.people.get(id)?.avatarUrl ?? null;
  }

  protected mute(person: CallPerson): void {
    void this.action.run(() => this.calls.moderate(person.id, 'mute'));
  }

  protected lowerHand(person: CallPerson): void {
    void this.action.run(() => (person.local ? this.calls.setHand(false) : this.calls.moderate(person.id, 'lower-hand')));
  }

  protected async remove(): Promise<void> {
    const person = this.removing();
    if (!person) return;
    await this.action.run(() => this.calls.moderate(person.id, 'remove'));
    if (!this.failure()) this.removing.set(null);
  }

  protected async ring(person: CallPerson): Promise<void> {
    await this.action.run(() => this.calls.ring(person.id));
  }
}
