import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Chat, Participant } from '@messenger/contracts';
import { AuthStore } from '../../../core/auth/auth.store';
import { Realtime } from '../../../core/realtime/realtime.service';
import { aChat, aMember, aUser, FakeRealtime } from '../../../testing/fakes';
import { MembersPanelComponent } from './members-panel.component';

describe('MembersPanel', () => {
  const owner = aUser('Olga');
  const admin = aUser('Adam');
  const member = aUser('Maria');
  const helper = aUser('Hanna');

  /** Renders the panel as `viewer` sees `chat`, and opens the card of `target`. */
  const cardOf = async (chat: Chat, viewer: ReturnType<typeof aUser>, target: ReturnType<typeof aUser>) => {
    localStorage.setItem('messenger.lang', 'en');
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), provideRouter([]), { provide: Realtime, useValue: new FakeRealtime() }],
    });
    const auth = TestBed.inject(AuthStore);
    auth.user.set(viewer);
    auth.status.set('signed-in');
    const fixture = TestBed.createComponent(MembersPanelComponent);
    fixture.componentRef.setInput('chat', chat);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    root.querySelector<HTMLButtonElement>(`[data-member="${target.username}"] .member__row`)!.click();
    await fixture.whenStable();
    const actions = [...root.querySelectorAll('[data-test=member-card] [data-test]')].map((el) => el.getAttribute('data-test'));
    return { fixture, root, actions, http: TestBed.inject(HttpTestingController) };
  };

  const group = (...members: Participant[]) => aChat(members);
  const everyone = (helperFlags: Partial<Participant['permissions']> = {}) =>
    group(aMember(owner, 'owner'), aMember(admin, 'admin'), aMember(member), aMember(helper, 'member', helperFlags));

  it('lists members by role with their badges', async () => {
    const { root } = await cardOf(everyone(), member, owner);
    const names = [...root.querySelectorAll('[data-test=member] .member__name')].map((el) => el.textContent?.trim());
    expect(names[0]).toContain('Olga');
    expect(names[1]).toContain('Adam');
    const badges = [...root.querySelectorAll('[data-test=role-badge]')].map((el) => el.textContent?.trim());
    expect(badges).toEqual(['Owner', 'Admin']);
  });

  it('the owner may promote, set flags, hand over and remove a member', async () => {
    const { actions } = await cardOf(everyone(), owner, member);
    expect(actions).toEqual(['message-member', 'promote', 'permissions', 'transfer', 'remove-member']);
  });

  it('the owner may demote and remove an admin, but an admin’s flags are not offered', async () => {
    const { actions } = await cardOf(everyone(), owner, admin);
    expect(actions).toEqual(['message-member', 'demote', 'transfer', 'remove-member']);
  });

  it('an admin may set a member’s flags and remove them, but not touch roles or the owner', async () => {
    expect((await cardOf(everyone(), admin, member)).actions).toEqual(['message-member', 'permissions', 'remove-member']);
    TestBed.resetTestingModule();
    expect((await cardOf(everyone(), admin, owner)).actions).toEqual(['message-member']);
  });

  it('a member with default flags may only write to others; with canRemoveMembers, remove members but not admins', async () => {
    expect((await cardOf(everyone(), member, helper)).actions).toEqual(['message-member']);
    TestBed.resetTestingModule();
    expect((await cardOf(everyone({ canRemoveMembers: true }), helper, member)).actions).toEqual(['message-member', 'remove-member']);
    TestBed.resetTestingModule();
    expect((await cardOf(everyone({ canRemoveMembers: true }), helper, admin)).actions).toEqual(['message-member']);
  });

  it('offers "Add members" only to those allowed to add', async () => {
    expect((await cardOf(everyone(), member, owner)).root.querySelector('[data-test=add-members]')).toBeNull();
    TestBed.resetTestingModule();
    expect((await cardOf(everyone({ canAddMembers: true }), helper, owner)).root.querySelector('[data-test=add-members]')).not.toBeNull();
  });

  it('promoting sends the change and shows the new role from the answer', async () => {
    const chat = everyone();
    const { root, fixture, http } = await cardOf(chat, owner, member);
    root.querySelector<HTMLButtonElement>('[data-test=promote]')!.click();
    const request = http.expectOne((r) => r.method === 'PATCH' && r.url === `/api/chats/${chat.id}/members/${member.id}`);
    expect(request.request.body).toEqual({ role: 'admin' });
    const updated = { ...chat, participants: chat.participants.map((p) => (p.user.id === member.id ? { ...p, role: 'admin' as const } : p)) };
    request.flush(updated);
    fixture.componentRef.setInput('chat', updated);
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(root.querySelector(`[data-member="${member.username}"] [data-test=role-badge]`)?.textContent).toContain('Admin');
    });
  });

  describe('a channel', () => {
    /** Renders the panel as `viewer` sees `chat`, without opening a card. */
    const render = async (chat: Chat, viewer: ReturnType<typeof aUser>) => {
      localStorage.setItem('messenger.lang', 'en');
      TestBed.configureTestingModule({
        providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), provideRouter([]), { provide: Realtime, useValue: new FakeRealtime() }],
      });
      const auth = TestBed.inject(AuthStore);
      auth.user.set(viewer);
      auth.status.set('signed-in');
      const fixture = TestBed.createComponent(MembersPanelComponent);
      fixture.componentRef.setInput('chat', chat);
      await fixture.whenStable();
      return fixture.nativeElement as HTMLElement;
    };
    const channel = () =>
      aChat([aMember(owner, 'owner'), aMember(admin, 'admin'), aMember(member), aMember(helper)], { type: 'channel', description: 'Новости клуба\nпо четвергам', memberCount: 1204 });

    it('shows a subscriber the count and the description, not who else is subscribed', async () => {
      const root = await render(channel(), member);
      expect(root.querySelector('[data-test=subscriber-count]')?.textContent).toBe('1204 subscribers');
      expect(root.querySelector('[data-test=chat-description]')?.textContent).toBe('Новости клуба\nпо четвергам');
      expect(root.querySelectorAll('[data-test=member]')).toHaveLength(0);
      expect(root.querySelector('[data-test=subscribers-hidden]')).not.toBeNull();
      expect(root.querySelector('[data-test=leave]')?.textContent).toContain('Leave channel');
    });

    it('shows its admins the whole list', async () => {
      const root = await render(channel(), admin);
      expect(root.querySelectorAll('[data-test=member]')).toHaveLength(4);
      expect(root.querySelector('[data-test=subscribers-hidden]')).toBeNull();
    });
  });

  it('a group shows its description to every member, and no empty one', async () => {
    expect((await cardOf(aChat([aMember(owner, 'owner'), aMember(member)], { description: 'По четвергам' }), member, owner)).root.querySelector('[data-test=chat-description]')?.textContent).toBe(
      'По четвергам',
    );
    TestBed.resetTestingModule();
    expect((await cardOf(everyone(), member, owner)).root.querySelector('[data-test=chat-description]')).toBeNull();
  });
});
