import type { Call, Participant, Role } from '@messenger/contracts';
import { aUser } from '../../testing/fakes';
import { callPeople } from './call-people';
import type { CallMember } from './room-state';

const person = (name: string, role: Role, ringMuted = false): Participant => ({
  user: { ...aUser(name), lastSeenAt: null } as unknown as Participant['user'],
  role,
  joinedAt: '2026-11-01T10:00:00.000Z',
  addedBy: null,
  permissions: { canAddMembers: false, canRemoveMembers: false, canEditInfo: false, canStartCall: true },
  ringMuted,
  mutedUntil: null,
});

const inRoom = (p: Participant, extra: Partial<CallMember> = {}): CallMember =>
  ({ identity: p.user.id, name: p.user.name, speaking: false, micOn: true, handRaisedAt: null, ...extra }) as CallMember;

const aCall = (participants: string[], invited: string[]): Call => ({
  id: 'c_x',
  chatId: 'a'.repeat(24),
  chatType: 'group',
  type: 'audio',
  status: 'active',
  initiatorId: participants[0]!,
  participants,
  invited,
  createdAt: '2026-11-25T10:00:00.000Z',
  answeredAt: null,
  endedAt: null,
  endReason: null,
});

describe('callPeople', () => {
  const owner = person('Olga', 'owner');
  const admin = person('Anna', 'admin');
  const bob = person('Bob', 'member');
  const carl = person('Carl', 'member');
  const dina = person('Dina', 'member', true);
  const eve = person('Eve', 'member');
  const chat = [bob, carl, owner, admin, dina, eve];

  it('lists those in the call by role then name, those rung before the others away, and who asked not to be rung', () => {
    const call = aCall([bob.user.id, owner.user.id, carl.user.id], [eve.user.id]);
    const people = callPeople(call, [inRoom(bob), inRoom(owner)], chat, bob.user.id);
    expect(people.here.map((p) => [p.name, p.state, p.local])).toEqual([
      ['Olga', 'here', false],
      ['Bob', 'here', true],
      ['Carl', 'joining', false],
    ]);
    expect(people.away.map((p) => [p.name, p.state, p.ringMuted])).toEqual([
      ['Eve', 'ringing', false],
      ['Anna', 'away', false],
      ['Dina', 'away', true],
    ]);
  });

  it('orders raised hands by when they were raised, not by role', () => {
    const call = aCall([bob.user.id, owner.user.id, carl.user.id], []);
    const people = callPeople(
      call,
      [inRoom(bob, { handRaisedAt: 2_000 }), inRoom(owner, { handRaisedAt: 3_000 }), inRoom(carl, { handRaisedAt: 1_000 })],
      chat,
      bob.user.id,
    );
    expect(people.hands.map((p) => p.name)).toEqual(['Carl', 'Bob', 'Olga']);
  });

  it('shows someone in the room who is no longer on the call list (media not yet gone) as here', () => {
    const people = callPeople(aCall([bob.user.id], []), [inRoom(bob), inRoom(carl, { speaking: true })], chat, bob.user.id);
    expect(people.here.find((p) => p.id === carl.user.id)).toMatchObject({ state: 'here', speaking: true });
    expect(people.away.some((p) => p.id === carl.user.id)).toBe(false);
  });
});
