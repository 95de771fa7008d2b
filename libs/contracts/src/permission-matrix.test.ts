import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMBER_PERMISSIONS, type Role } from './schemas/chats.js';
import { decide, type Action, type Actor, type ChatKind, type ChatRules } from './permission-matrix.js';

const none = { canAddMembers: false, canRemoveMembers: false, canEditInfo: false, canStartCall: false };
const all = { canAddMembers: true, canRemoveMembers: true, canEditInfo: true, canStartCall: true };
const actors: Record<string, Actor> = {
  owner: { role: 'owner', permissions: none },
  admin: { role: 'admin', permissions: none },
  'member+flags': { role: 'member', permissions: all },
  member: { role: 'member', permissions: DEFAULT_MEMBER_PERMISSIONS },
  'member-noflags': { role: 'member', permissions: none },
};

const rules = (type: ChatKind, muteAll = false, onlyAdminsCanSpeak = false): ChatRules => ({
  type,
  callSettings: { muteAll, onlyAdminsCanSpeak },
});
const group = (muteAll = false, onlyAdminsCanSpeak = false) => rules('group', muteAll, onlyAdminsCanSpeak);
const channel = (muteAll = false, onlyAdminsCanSpeak = false) => rules('channel', muteAll, onlyAdminsCanSpeak);
const personal = rules('personal', true, true);

// [chat, action, target role, owner, admin, member+flags, member (defaults), member without flags]
const TABLE: [ChatKind | ChatRules, Action, Role | undefined, ...boolean[]][] = [
  ['group', 'post', undefined, true, true, true, true, true],
  ['channel', 'post', undefined, true, true, false, false, false],
  ['group', 'startCall', undefined, true, true, true, true, false],
  ['channel', 'startCall', undefined, true, true, false, false, false],
  ['group', 'addMembers', undefined, true, true, true, false, false],
  ['group', 'removeMember', 'member', true, true, true, false, false],
  ['group', 'removeMember', 'admin', true, false, false, false, false],
  ['group', 'removeMember', 'owner', true, false, false, false, false],
  ['group', 'editInfo', undefined, true, true, true, false, false],
  ['group', 'editCallSettings', undefined, true, true, false, false, false],
  ['group', 'setPermissions', 'member', true, true, false, false, false],
  ['group', 'setPermissions', 'admin', true, false, false, false, false],
  ['group', 'changeRole', 'member', true, false, false, false, false],
  ['group', 'transferOwnership', 'member', true, false, false, false, false],
  ['group', 'deleteChat', undefined, true, false, false, false, false],
  ['personal', 'post', undefined, true, true, true, true, true],
  ['personal', 'addMembers', undefined, false, false, false, false, false],

  // Calls.
  ['group', 'joinCall', undefined, true, true, true, true, true],
  ['channel', 'joinCall', undefined, true, true, true, true, true],
  [group(), 'speak', undefined, true, true, true, true, true],
  [group(false, true), 'speak', undefined, true, true, false, false, false],
  [channel(), 'speak', undefined, true, true, true, true, true],
  [channel(false, true), 'speak', undefined, true, true, false, false, false],
  [group(), 'shareScreen', undefined, true, true, true, true, true],
  [group(false, true), 'shareScreen', undefined, true, true, false, false, false],
  [group(true, true), 'useCamera', undefined, true, true, true, true, true],
  [group(), 'joinUnmuted', undefined, true, true, true, true, true],
  [group(true), 'joinUnmuted', undefined, true, true, false, false, false],
  [group(false, true), 'joinUnmuted', undefined, true, true, false, false, false],
  [channel(true), 'joinUnmuted', undefined, true, true, false, false, false],
  ['group', 'moderateCall', 'member', true, true, false, false, false],
  ['group', 'moderateCall', 'admin', true, false, false, false, false],
  ['group', 'moderateCall', 'owner', true, false, false, false, false],
  ['channel', 'moderateCall', 'member', true, true, false, false, false],
  ['group', 'ringAgain', undefined, true, true, true, true, false],
  ['channel', 'ringAgain', undefined, true, true, false, false, false],
  ['group', 'endCallForAll', undefined, true, true, false, false, false],
  ['channel', 'endCallForAll', undefined, true, true, false, false, false],
  ['group', 'deleteOthersMessage', undefined, true, true, false, false, false],
  ['channel', 'deleteOthersMessage', undefined, true, true, false, false, false],
  ['personal', 'deleteOthersMessage', undefined, false, false, false, false, false],
  [personal, 'startCall', undefined, true, true, true, true, true],
  [personal, 'joinCall', undefined, true, true, true, true, true],
  [personal, 'speak', undefined, true, true, true, true, true],
  [personal, 'shareScreen', undefined, true, true, true, true, true],
  [personal, 'useCamera', undefined, true, true, true, true, true],
  [personal, 'joinUnmuted', undefined, true, true, true, true, true],
  [personal, 'ringAgain', undefined, true, true, true, true, true],
  [personal, 'endCallForAll', undefined, true, true, true, true, true],
  [personal, 'moderateCall', 'member', false, false, false, false, false],
];

const label = (chat: ChatKind | ChatRules) =>
  typeof chat === 'string'
    ? chat
    : `${chat.type}${chat.callSettings?.muteAll ? '+muteAll' : ''}${chat.callSettings?.onlyAdminsCanSpeak ? '+onlyAdminsCanSpeak' : ''}`;

describe('permission matrix', () => {
  it.each(
    TABLE.flatMap(([chat, action, target, ...expected]) =>
      Object.keys(actors).map((name, i) => [label(chat), action, target ?? '-', name, expected[i]!, chat] as const),
    ),
  )('%s: %s on %s by %s → %s', (_label, action, target, name, expected, chat) => {
    const verdict = decide(chat, actors[name]!, action, target === '-' ? undefined : { role: target as Role });
    expect(verdict.allowed).toBe(expected);
  });

  it('refuses members what depends on call settings it was not given, rather than allowing it', () => {
    for (const action of ['speak', 'shareScreen', 'joinUnmuted'] as const) {
      expect(decide('group', actors.member!, action)).toEqual({ allowed: false, permission: 'onlyAdminsCanSpeak' });
      expect(decide('group', actors.admin!, action).allowed).toBe(true);
    }
  });

  it('names what was missing', () => {
    expect(decide(group(true), actors.member!, 'joinUnmuted')).toEqual({ allowed: false, permission: 'muteAll' });
    expect(decide('group', actors.member!, 'moderateCall')).toEqual({ allowed: false, permission: 'admin' });
    expect(decide('group', actors['member-noflags']!, 'ringAgain')).toEqual({ allowed: false, permission: 'canStartCall' });
    expect(decide(personal, actors.owner!, 'moderateCall')).toEqual({ allowed: false, permission: 'personal chat' });
  });
});
