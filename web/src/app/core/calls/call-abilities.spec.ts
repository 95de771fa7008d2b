import { aChat, aMember, aUser } from '../../testing/fakes';
import { callAbilitiesIn } from './call-abilities';

describe('callAbilitiesIn', () => {
  const owner = aUser('Olga');
  const admin = aUser('Anna');
  const otherAdmin = aUser('Alex');
  const member = aUser('Mark');
  const group = aChat([aMember(owner, 'owner'), aMember(admin, 'admin'), aMember(otherAdmin, 'admin'), aMember(member)]);

  it('lets an admin moderate members but not the owner or another admin; the owner moderates anyone but themselves', () => {
    const asAdmin = callAbilitiesIn(group, admin.id);
    expect([member, owner, otherAdmin, admin].map((u) => asAdmin.moderates(u.id))).toEqual([true, false, false, false]);
    const asOwner = callAbilitiesIn(group, owner.id);
    expect([member, admin, owner].map((u) => asOwner.moderates(u.id))).toEqual([true, true, false]);
    expect(asAdmin.endForAll).toBe(true);
  });

  it('gives a member and both people of a personal call no moderation, and ringing by the call-start rule', () => {
    const asMember = callAbilitiesIn(group, member.id);
    expect(asMember.moderates(admin.id) || asMember.endForAll).toBe(false);
    const personal = aChat([aMember(owner), aMember(member)], { type: 'personal' });
    const inPersonal = callAbilitiesIn(personal, owner.id);
    expect(inPersonal.moderates(member.id)).toBe(false);
    expect(inPersonal.ring).toBe(true);
  });
});
