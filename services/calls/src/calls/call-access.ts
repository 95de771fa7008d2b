import { decide, type Action, type Call, type Membership, type Role, type Verdict } from '@messenger/contracts';
import { ServiceError } from '@messenger/kit';

type Asker = Pick<Membership, 'role' | 'permissions' | 'callSettings' | 'chatType'>;

/** The one rule (`decide`, libs/contracts) for one member of a chat and one call action. */
const verdict = (membership: Asker, action: Action, target?: { role: Role }): Verdict =>
  decide({ type: membership.chatType, callSettings: membership.callSettings }, membership, action, target);

export const may = (membership: Asker, action: Action): boolean => verdict(membership, action).allowed;

/**
 * The target's role as the rule needs it: the membership lists the owner with the admins, and the rule treats
 * both alike (only the owner acts on them, and the owner acts on anyone).
 */
export const roleOf = (membership: Pick<Membership, 'adminIds'>, userId: string): { role: Role } => ({
  role: membership.adminIds.includes(userId) ? 'admin' : 'member',
});

/** The one place a call permission is checked; a refusal names what was missing, as the groups service's do. */
export const requireCallPermission = (membership: Asker, action: Action, target?: { role: Role }): void => {
  const answer = verdict(membership, action, target);
  if (!answer.allowed) throw new ServiceError('PERMISSION_DENIED', `not allowed: ${action}`, { permission: answer.permission });
};

/** "No such call" and "not yours to see" read the same, so a call's existence never leaks. */
export const callNotFound = () => new ServiceError('NOT_FOUND', 'call not found');

/** A call that is over takes no more actions. */
export const requireLive = (call: Call): void => {
  if (call.status === 'ended') throw new ServiceError('CONFLICT', 'the call has ended', { endReason: call.endReason });
};

/**
 * Who may be rung in the chat: in a group, whoever has not asked not to be ("don't ring me"); in a personal chat,
 * the other person always (it is the whole point of calling them).
 */
export const ringable = (membership: Pick<Membership, 'chatType' | 'ringMutedIds'>, userId: string): boolean =>
  membership.chatType === 'personal' || !membership.ringMutedIds.includes(userId);
