import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Chat, Message } from '@messenger/contracts';
import { AuthStore } from '../../../../core/auth/auth.store';
import { I18n } from '../../../../core/i18n/i18n.service';
import { Realtime } from '../../../../core/realtime/realtime.service';
import { aChat, aMember, aMessage, aUser, FakeRealtime } from '../../../../testing/fakes';
import { MessageComponent } from './message.component';

describe('MessageComponent', () => {
  const anna = aUser('Anna');
  const boris = aUser('Boris');

  const render = async (message: Message, chat: Chat) => {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), { provide: Realtime, useValue: new FakeRealtime() }],
    });
    TestBed.inject(I18n).set('en');
    const auth = TestBed.inject(AuthStore);
    auth.user.set(anna);
    auth.status.set('signed-in');
    const fixture = TestBed.createComponent(MessageComponent);
    fixture.componentRef.setInput('message', message);
    fixture.componentRef.setInput('chat', chat);
    fixture.componentRef.setInput('mine', message.senderId === anna.id);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const menu = async () => {
      root.querySelector<HTMLButtonElement>('[data-test=message-actions]')!.click();
      await fixture.whenStable();
      return [...document.querySelectorAll<HTMLElement>('[data-test=message-menu] [data-test^=menu-]')].map((item) => item.dataset['test']);
    };
    return { root, menu };
  };

  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach((el) => el.remove()));

  it('offers my own message every action', async () => {
    const chat = aChat([aMember(anna), aMember(boris, 'owner')]);
    const { menu } = await render(aMessage(chat.id, 1, anna.id, 'моё'), chat);
    expect(await menu()).toEqual(['menu-react', 'menu-reply', 'menu-edit', 'menu-copy', 'menu-delete']);
  });

  it("lets a member reply to someone else's message but not edit or delete it; an admin may delete it", async () => {
    const asMember = aChat([aMember(anna), aMember(boris, 'owner')]);
    expect(await (await render(aMessage(asMember.id, 1, boris.id, 'чужое'), asMember)).menu()).toEqual(['menu-react', 'menu-reply', 'menu-copy']);
    TestBed.resetTestingModule();
    const asAdmin = aChat([aMember(anna, 'admin'), aMember(boris)]);
    expect(await (await render(aMessage(asAdmin.id, 1, boris.id, 'чужое'), asAdmin)).menu()).toContain('menu-delete');
  });

  it('in a channel where I may not post, offers reactions and copying only', async () => {
    const channel = aChat([aMember(anna), aMember(boris, 'owner')], { type: 'channel' });
    expect(await (await render(aMessage(channel.id, 1, boris.id, 'пост'), channel)).menu()).toEqual(['menu-react', 'menu-copy']);
  });

  it('shows a deleted message as a placeholder with no actions', async () => {
    const chat = aChat([aMember(anna), aMember(boris)]);
    const { root } = await render({ ...aMessage(chat.id, 1, boris.id, ''), deletedAt: '2026-11-25T10:00:00.000Z' }, chat);
    expect(root.querySelector('[data-test=message-deleted]')?.textContent).toContain('Message deleted');
    expect(root.querySelector('[data-test=message-actions]')).toBeNull();
  });

  it("marks members' @usernames, and the whole message when it mentions me", async () => {
    const chat = aChat([aMember(anna), aMember(boris)]);
    const { root } = await render({ ...aMessage(chat.id, 1, boris.id, `@${anna.username} и @nobody, глянь`), mentions: [anna.id] }, chat);
    expect([...root.querySelectorAll('[data-test=mention]')].map((m) => m.textContent)).toEqual([`@${anna.username}`]);
    expect(root.querySelector('.message--mentioned')).not.toBeNull();
  });
});
