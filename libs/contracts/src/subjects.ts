/**
 * NATS subjects. Request/reply subjects are `<service>.<feature>.<action>`; each service subscribes to
 * its own in a queue group named after the service, so replicas share the load.
 */
export const SERVICE_NAMES = ['users', 'groups', 'calls'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const SUBJECT = {
  users: {
    register: 'users.auth.register',
    login: 'users.auth.login',
    refresh: 'users.auth.refresh',
    logout: 'users.auth.logout',
    me: 'users.profile.me',
    updateMe: 'users.profile.update-me',
    getById: 'users.profile.get',
    summaries: 'users.profile.summaries',
    uploadAvatar: 'users.avatar.upload',
    avatar: 'users.avatar.get',
    search: 'users.search.query',
    presence: 'users.presence.get',
  },
  groups: {
    list: 'groups.chats.list',
    createPersonal: 'groups.chats.create-personal',
    createGroup: 'groups.chats.create-group',
    get: 'groups.chats.get',
    update: 'groups.chats.update',
    delete: 'groups.chats.delete',
    addMembers: 'groups.members.add',
    removeMember: 'groups.members.remove',
    updateMember: 'groups.members.update',
    transferOwner: 'groups.members.transfer-owner',
    uploadAvatar: 'groups.avatar.upload',
    avatar: 'groups.avatar.get',
    sendMessage: 'groups.messages.send',
    history: 'groups.messages.history',
    read: 'groups.messages.read',
    editMessage: 'groups.messages.edit',
    deleteMessage: 'groups.messages.delete',
    react: 'groups.reactions.add',
    unreact: 'groups.reactions.remove',
    search: 'groups.messages.search',
    uploadAttachment: 'groups.attachments.upload',
    attachment: 'groups.attachments.get',
    attachmentThumbnail: 'groups.attachments.thumbnail',
    /** For the calls service: is U a member of C, with which role, permissions and call settings. */
    membership: 'groups.members.membership',
    /** For the users service: everyone who shares a chat with U (presence). */
    contacts: 'groups.members.contacts',
    /** From gateways: U is typing in C (ephemeral, never stored). */
    typing: 'groups.typing',
  },
  calls: {
    start: 'calls.calls.start',
    join: 'calls.calls.join',
    decline: 'calls.calls.decline',
    leave: 'calls.calls.leave',
    end: 'calls.calls.end',
    active: 'calls.calls.active',
    history: 'calls.log.history',
    ringParticipant: 'calls.calls.ring',
    raiseHand: 'calls.hands.raise',
    lowerHand: 'calls.hands.lower',
    muteParticipant: 'calls.moderation.mute',
    removeParticipant: 'calls.moderation.remove',
    lowerParticipantHand: 'calls.moderation.lower-hand',
    /** LiveKit webhooks, forwarded raw by the gateway; the calls service verifies them. */
    webhook: 'calls.livekit.webhook',
  },
} as const;

/** Every service answers `health.<name>` with its readiness; the gateway's /healthz asks each one. */
export const healthSubject = (service: ServiceName): string => `health.${service}`;

/**
 * Events for users' sockets: every gateway takes every push and delivers it to the users it holds (the envelope is
 * in push-envelope.ts). One subject instead of one per user: a send to a group is one NATS message, not one per
 * member, and a gateway holds one subscription, not one per connected user.
 */
export const PUSH_SUBJECT = 'push.users';

/** Gateways announce socket open/close and heartbeats here, for presence. */
export const GATEWAY_SUBJECT = {
  socketOpened: 'gateway.socket.opened',
  socketClosed: 'gateway.socket.closed',
  heartbeat: 'gateway.heartbeat',
  /** The users service tells every gateway that a session ended (logout, a revoked family): its sockets close. */
  sessionEnded: 'gateway.session.ended',
} as const;
