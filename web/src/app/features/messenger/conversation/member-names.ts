import { Injectable, inject } from '@angular/core';
import type { Chat } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { I18n } from '../../../core/i18n/i18n.service';
import { PeopleStore } from '../../../core/people/people.store';

/** Who a user id is, as a message, a quote or a reaction names them: the chat's members first, then anyone seen. */
@Injectable({ providedIn: 'root' })
export class MemberNames {
  private readonly auth = inject(AuthStore);
  private readonly people = inject(PeopleStore);
  private readonly i18n = inject(I18n);

  name(userId: string | null, chat?: Chat): string {
    if (!userId) return '';
    const me = this.auth.user();
    if (me?.id === userId) return me.name;
    return chat?.participants.find((p) => p.user.id === userId)?.user.name ?? this.people.get(userId)?.name ?? this.i18n.t('system.someone');
  }

  /** As a list of who reacted reads: "You" for me. */
  nameOrYou(userId: string, chat?: Chat): string {
    return userId === this.auth.user()?.id ? this.i18n.t('reactions.you') : this.name(userId, chat);
  }

  avatar(userId: string | null, chat?: Chat): string | null {
    if (!userId) return null;
    return chat?.participants.find((p) => p.user.id === userId)?.user.avatarUrl ?? this.people.get(userId)?.avatarUrl ?? null;
  }
}
