import type { Call, Participant, Role } from '@messenger/contracts';
import type { CallMember } from './room-state';

/** One person as the people panel lists them. */
export interface CallPerson {
  id: string;
  name: string;
  role: Role | null;
  local: boolean;
  /** In the call on the server's books; `connected` says whether their media is in the room yet. */
  state: 'here' | 'joining' | 'ringing' | 'away';
  speaking: boolean;
  micOn: boolean;
  handRaisedAt: number | null;
  /** Asked not to be rung in this chat. */
  ringMuted: boolean;
}

export interface CallPeople {
  /** Raised hands, first raised first. */
  hands: CallPerson[];
  /** Everyone in the call (hands included): speakers' order is the room's, then role, then name. */
  here: CallPerson[];
  /** Members not in the call: those being rung first. */
  away: CallPerson[];
}

const ROLE_ORDER: Record<Role, number> = { owner: 0, admin: 1, member: 2 };
const rank = (person: CallPerson) => (person.role ? ROLE_ORDER[person.role] : 3);
const byRoleThenName = (a: CallPerson, b: CallPerson) => rank(a) - rank(b) || a.name.localeCompare(b.name);

/**
 * Who is in the call, who is being rung, and who is not there: the server's call (participants, invited)
 * joined with the media room (speaking, microphones, hands) and the chat's members (roles, names).
 */
export const callPeople = (call: Call, members: readonly CallMember[], chatMembers: readonly Participant[], myId: string): CallPeople => {
  const inRoom = new Map(members.map((m) => [m.identity, m]));
  const member = new Map(chatMembers.map((p) => [p.user.id, p]));
  const here: CallPerson[] = [];
  const ids = new Set([...call.participants, ...inRoom.keys()]);
  for (const id of ids) {
    const media = inRoom.get(id);
    const chat = member.get(id);
    here.push({
      id,
      name: chat?.user.name ?? media?.name ?? id,
      role: chat?.role ?? null,
      local: id === myId,
      state: media ? 'here' : 'joining',
      speaking: media?.speaking ?? false,
      micOn: media?.micOn ?? false,
      handRaisedAt: media?.handRaisedAt ?? null,
      ringMuted: chat?.ringMuted ?? false,
    });
  }
  here.sort(byRoleThenName);
  const away = chatMembers
    .filter((p) => !ids.has(p.user.id))
    .map(
      (p): CallPerson => ({
        id: p.user.id,
        name: p.user.name,
        role: p.role,
        local: p.user.id === myId,
        state: call.invited.includes(p.user.id) ? 'ringing' : 'away',
        speaking: false,
        micOn: false,
        handRaisedAt: null,
        ringMuted: p.ringMuted,
      }),
    )
    .sort((a, b) => Number(b.state === 'ringing') - Number(a.state === 'ringing') || byRoleThenName(a, b));
  const hands = here.filter((p) => p.handRaisedAt !== null).sort((a, b) => a.handRaisedAt! - b.handRaisedAt!);
  return { hands, here, away };
};
