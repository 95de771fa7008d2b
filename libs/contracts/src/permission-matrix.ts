import type { CallSettings, Permissions, Role } from './schemas/chats.js';

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
  | 'post'
  /** Delete someone else's message (one's own is always allowed to its author). */
  | 'deleteOthersMessage'
  // In a call of the chat:
  | 'joinCall'
  | 'speak'
  | 'shareScreen'
  | 'useCamera'
  /** Join with the microphone on; who may not (muteAll) joins muted and unmutes themselves. */
  | 'joinUnmuted'
  /** Mute someone's microphone, remove them from the call, lower their hand (an admin: members only). */
  | 'moderateCall'
  /** Ring a member who is not in the live call ("ring again" in the people panel). */
  | 'ringAgain'
  | 'endCallForAll';

export interface Actor {
  role: Role;
  permissions: Permissions;
}

/**
 * The chat as the rule needs it: its kind, and for `speak`, `shareScreen` and `joinUnmuted` its call settings
 * (a `Chat` or a chat document fits as it is). Without them those actions are refused to members: a caller that
 * forgot them shows a member too little rather than lets them speak where only admins may.
 */
export interface ChatRules {
  type: ChatKind;
  callSettings?: Pick<CallSettings, 'muteAll' | 'onlyAdminsCanSpeak'>;
}

export type Verdict = { allowed: true } | { allowed: false; permission: string };

const deny = (permission: string): Verdict => ({ allowed: false, permission });
const allow: Verdict = { allowed: true };

/** What both people in a personal chat may do: it has no roles, settings or moderators. */
const PERSONAL: readonly Action[] = [
  'post',
  'startCall',
  'joinCall',
  'speak',
  'shareScreen',
  'useCamera',
  'joinUnmuted',
  'ringAgain',
  'endCallForAll',
];

/**
 * Who may do what in a chat and in its calls. This function is the whole rule, shared by the groups and calls
 * services (which enforce it: the calls service also through the LiveKit grants it issues) and the web client
 * (which shows only the actions it allows); docs/permissions.md is its table. services/groups' permissions.sys.test.ts
 * walks the chat cells against the running service; the calls service's system tests check the call actions there.
 *
 * - owner: everything.
 * - admin: add members; remove members (not the owner, not other admins); delete anyone's message; edit info and call
 *   settings; set the permission flags of members; start calls; post in channels; in calls: speak and
 *   join unmuted whatever the call settings, moderate (mute, remove, lower a hand), ring again, end for everyone.
 * - member: what their flags allow (canAddMembers, canRemoveMembers — members only, canEditInfo,
 *   canStartCall, which also lets them ring someone again); post in groups, never in channels; in calls: join
 *   and use the camera; speak and share a screen unless onlyAdminsCanSpeak; join muted under muteAll (and
 *   unmute themselves: muteAll is how one joins, not a gag).
 * - personal chats have no roles to manage: both people may post and call, and either ends the call for both
 *   (hanging up); nobody moderates.
 * Leaving is always allowed and is not an action here.
 */
export const decide = (chat: ChatKind | ChatRules, actor: Actor, action: Action, target?: { role: Role }): Verdict => {
  const { type, callSettings } = typeof chat === 'string' ? { type: chat, callSettings: undefined } : chat;
  if (type === 'personal') return PERSONAL.includes(action) ? allow : deny('personal chat');
  const { role, permissions } = actor;
  if (role === 'owner') return allow;
  const admin = role === 'admin';
  switch (action) {
    case 'post':
      return type === 'channel' && !admin ? deny('post in channel') : allow;
    case 'startCall':
    case 'ringAgain':
      if (type === 'channel') return admin ? allow : deny('canStartCall');
      return admin || permissions.canStartCall ? allow : deny('canStartCall');
    case 'joinCall':
    case 'useCamera':
      return allow;
    case 'speak':
    case 'shareScreen':
      return admin || callSettings?.onlyAdminsCanSpeak === false ? allow : deny('onlyAdminsCanSpeak');
    case 'joinUnmuted':
      if (!admin && callSettings?.onlyAdminsCanSpeak !== false) return deny('onlyAdminsCanSpeak');
      return admin || callSettings?.muteAll === false ? allow : deny('muteAll');
    case 'moderateCall':
      // As with removing a member: an admin acts on members, not on the owner or another admin.
      if (!admin) return deny('admin');
      return target && target.role !== 'member' ? deny('moderate owner or admin') : allow;
    case 'endCallForAll':
    case 'deleteOthersMessage':
      return admin ? allow : deny('admin');
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
