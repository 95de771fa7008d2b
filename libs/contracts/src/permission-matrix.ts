import type { Permissions, Role } from './schemas/chats.js';

export type ChatKind = 'personal' | 'group' | 'channel';

export type Action =
  | 'editInfo'
  | 'editCallSettings'
  | 'addMembers'
  | 'removeMember'
  | 'changeRole'
  | 'setPermissions'
  | 'transferOwnership'
  | 'deleteChat'
  | 'startCall'
  | 'post';

export interface Actor {
  role: Role;
  permissions: Permissions;
}

export type Verdict = { allowed: true } | { allowed: false; permission: string };

const deny = (permission: string): Verdict => ({ allowed: false, permission });
const allow: Verdict = { allowed: true };

/**
 * Who may do what in a chat. This function is the whole rule, shared by the groups service (which
 * enforces it) and the web client (which shows only the actions it allows); docs/permissions.md is its table,
 * and services/groups' permissions.sys.test.ts walks every cell against the running service.
 *
 * - owner: everything.
 * - admin: add members; remove members (not the owner, not other admins); edit info and call
 *   settings; set the permission flags of members; start calls; post in channels.
 * - member: what their flags allow (canAddMembers, canRemoveMembers — members only, canEditInfo,
 *   canStartCall); post in groups, never in channels.
 * - personal chats have no roles to manage: both people may post and call, nothing else.
 * Leaving is always allowed and is not an action here.
 */
export const decide = (chat: ChatKind, actor: Actor, action: Action, target?: { role: Role }): Verdict => {
  if (chat === 'personal') return action === 'post' || action === 'startCall' ? allow : deny('personal chat');
  const { role, permissions } = actor;
  if (role === 'owner') return allow;
  const admin = role === 'admin';
  switch (action) {
    case 'post':
      return chat === 'channel' && !admin ? deny('post in channel') : allow;
    case 'startCall':
      if (chat === 'channel') return admin ? allow : deny('canStartCall');
      return admin || permissions.canStartCall ? allow : deny('canStartCall');
    case 'addMembers':
      return admin || permissions.canAddMembers ? allow : deny('canAddMembers');
    case 'removeMember':
      if (target?.role !== 'member') return deny('remove owner or admin');
      return admin || permissions.canRemoveMembers ? allow : deny('canRemoveMembers');
    case 'editInfo':
      return admin || permissions.canEditInfo ? allow : deny('canEditInfo');
    case 'editCallSettings':
      return admin ? allow : deny('admin');
    case 'setPermissions':
      return admin && target?.role === 'member' ? allow : deny('admin');
    case 'changeRole':
    case 'transferOwnership':
    case 'deleteChat':
      return deny('owner');
  }
};
