import { Injectable, inject } from '@angular/core';
import type { User } from '@messenger/contracts';
import { Api } from '../../core/api/api.service';
import { AuthStore } from '../../core/auth/auth.store';
import { PeopleStore } from '../../core/people/people.store';
import { Realtime } from '../../core/realtime/realtime.service';

/**
 * My own profile: name, bio and picture. Every answer (and a `user.updated` push about me, from another
 * tab or device) becomes the signed-in user, so the menu, the footer and system lines show it at once.
 */
@Injectable({ providedIn: 'root' })
export class ProfileService {
  private readonly api = inject(Api);
  private readonly auth = inject(AuthStore);
  private readonly people = inject(PeopleStore);

  constructor() {
    inject(Realtime).on('user.updated', (user) => {
      if (user.id === this.auth.user()?.id) this.accept(user);
    });
  }

  async update(change: { name?: string; bio?: string }): Promise<User> {
    return this.accept(await this.api.updateMe(change));
  }

  async setAvatar(image: Blob): Promise<User> {
    return this.accept(await this.api.uploadMyAvatar(image));
  }

  private accept(user: User): User {
    this.auth.user.set(user);
    this.people.remember([{ id: user.id, username: user.username, name: user.name, avatarUrl: user.avatarUrl }]);
    return user;
  }
}
