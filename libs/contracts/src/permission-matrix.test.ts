import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMBER_PERMISSIONS, type Role } from './schemas/chats.js';
import { decide, type Action, type Actor, type ChatKind } from './permission-matrix.js';

const none = { canAddMembers: false, canRemoveMembers: false, canEditInfo: false, canStartCall: false };
const all = { canAddMembers: true, canRemoveMembers: true, canEditInfo: true, canStartCall: true };
const actors: Record<string, Actor> = {
  owner: { role: 'owner', permissions: none },
  admin: { role: 'admin', permissions: none },
  'member+flags': { role: 'member', permissions: all },
  member: { role: 'member', permissions: DEFAULT_MEMBER_PERMISSIONS },
  'member-noflags': { role: 'member', permissions: none },
};

// [chat, action, target role, owner, admin, member+flags, member (defaults), member without flags]
const TABLE: [ChatKind, Action, Role | undefined, ...boolean[]][] = [
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
];

describe('permission matrix', () => {
  it.each(
    TABLE.flatMap(([chat, action, target, ...expected]) =>
      Object.keys(actors).map((name, i) => [chat, action, target ?? '-', name, expected[i]!] as const),
    ),
  )('%s: %s on %s by %s → %s', (chat, action, target, name, expected) => {
    const verdict = decide(chat, actors[name]!, action, target === '-' ? undefined : { role: target as Role });
    expect(verdict.allowed).toBe(expected);
  });
});
