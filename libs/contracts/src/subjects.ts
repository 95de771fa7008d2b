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
} as const;

/** Every service answers `health.<name>` with its readiness; the gateway's /healthz asks each one. */
export const healthSubject = (service: ServiceName): string => `health.${service}`;

/** Events for one user's sockets, on whichever gateways hold them. */
export const pushSubject = (userId: string): string => `push.user.${userId}`;
export const PUSH_SUBJECT_PREFIX = 'push.user.';

/** Gateways announce socket open/close and heartbeats here, for presence. */
export const GATEWAY_SUBJECT = {
  socketOpened: 'gateway.socket.opened',
  socketClosed: 'gateway.socket.closed',
  heartbeat: 'gateway.heartbeat',
} as const;
