import {
  GATEWAY_SUBJECT,
  healthSubject,
  INTERNAL,
  PUSH_SUBJECT,
  SERVICE_NAMES,
  SERVICE_QUESTIONS,
  STREAMS,
  SUBJECT,
  type ServiceName,
} from '@messenger/contracts';
import { natsInboxPrefix } from '../nats/connect.js';

/** One NATS user per service, and one that every gateway replica shares. */
export const NATS_USERS = ['gateway', ...SERVICE_NAMES] as const;
export type NatsUser = (typeof NATS_USERS)[number];

export interface NatsPermissions {
  /** What the user is, in a line: written above it in the server's configuration. */
  about: string;
  publish: { allow: string[]; deny?: string[] };
  subscribe: { allow: string[] };
  /** May answer the requests delivered to it (once each, to their reply subjects), and publish to no other inbox. */
  allowResponses?: boolean;
}

const JS_API_INFO = '$JS.API.INFO';
/** `ensureStream`: every replica of a service that writes or reads a stream creates or updates it. */
const manageStream = (stream: string) => ['INFO', 'CREATE', 'UPDATE'].map((action) => `$JS.API.STREAM.${action}.${stream}`);
/** `consumeEvents`: a durable pull consumer on the stream (create, update, info), its fetches and its acks. */
const consumeStream = (stream: string) => [
  `$JS.API.CONSUMER.*.${stream}.>`,
  // nats.js creates a consumer with several filter subjects here.
  `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.>`,
  `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
  `$JS.ACK.${stream}.>`,
];
const internalSubjects = (service: ServiceName) => Object.values(INTERNAL).filter((subject) => subject.startsWith(`internal.${service}.`));

/**
 * A service: answers its own subjects (queue group) and `health.<name>`, pushes to users' sockets, writes its own
 * stream of facts, talks to its own replicas on `internal.<name>.*`, asks the questions it asks, and reads the
 * streams it reads (each consumer may dead-letter what it cannot handle).
 */
const service = (
  name: ServiceName,
  about: string,
  trust: { asks: (keyof typeof SERVICE_QUESTIONS)[]; reads: ServiceName[]; publishes?: string[]; hears?: string[] },
): NatsPermissions => {
  const streams = [...new Set([name, ...trust.reads])].map((owner) => STREAMS[owner].name);
  const deadLetters = trust.reads.length ? [...manageStream(STREAMS.deadLetters.name), ...STREAMS.deadLetters.subjects] : [];
  return {
    about,
    publish: {
      allow: [
        PUSH_SUBJECT,
        ...STREAMS[name].subjects,
        ...internalSubjects(name),
        ...trust.asks,
        ...(trust.publishes ?? []),
        JS_API_INFO,
        ...streams.flatMap(manageStream),
        ...trust.reads.flatMap((owner) => consumeStream(STREAMS[owner].name)),
        ...deadLetters,
      ],
    },
    subscribe: {
      allow: [`${name}.>`, healthSubject(name), ...internalSubjects(name), ...(trust.hears ?? []), `${natsInboxPrefix(name)}.>`],
    },
    allowResponses: true,
  };
};

/**
 * Who may publish and subscribe to what, from the subjects in libs/contracts. The gateway is the edge: it asks the
 * services what clients ask (never their questions to each other), announces sockets, and hears pushes and ended
 * sessions. It answers nothing, writes no fact, reads no stream and sends no push, so a compromised gateway can
 * neither pose as a service nor forge an event. Callers: kit's stack (dev and tests) and the server configuration
 * in deploy/compose/nats.conf and deploy/k8s/base/nats.conf (deploy/manifests.int.test.ts keeps them equal).
 */
export const NATS_PERMISSIONS: Record<NatsUser, NatsPermissions> = {
  gateway: {
    about: 'gateway: asks the services what clients ask; hears pushes and ended sessions; answers nothing, writes no fact',
    publish: {
      allow: [
        ...SERVICE_NAMES.map((name) => `${name}.>`),
        ...SERVICE_NAMES.map(healthSubject),
        GATEWAY_SUBJECT.socketOpened,
        GATEWAY_SUBJECT.socketClosed,
        GATEWAY_SUBJECT.heartbeat,
      ],
      deny: Object.keys(SERVICE_QUESTIONS),
    },
    subscribe: { allow: [`${natsInboxPrefix('gateway')}.>`, PUSH_SUBJECT, GATEWAY_SUBJECT.sessionEnded] },
  },
  users: service('users', 'users: accounts, sessions, profiles, presence', {
    asks: [SUBJECT.groups.contacts],
    reads: [],
    publishes: [GATEWAY_SUBJECT.sessionEnded],
    hears: [GATEWAY_SUBJECT.socketOpened, GATEWAY_SUBJECT.socketClosed, GATEWAY_SUBJECT.heartbeat],
  }),
  groups: service('groups', 'groups: chats, members, messages; reads the call facts', {
    asks: [SUBJECT.users.summaries],
    reads: ['calls'],
  }),
  calls: service('calls', 'calls: calls and LiveKit; reads the chat facts and its own (the call log)', {
    asks: [SUBJECT.groups.membership, SUBJECT.users.summaries],
    reads: ['groups', 'calls'],
  }),
};

/** A user as the server's configuration names it; `password` as written there: a quoted literal or a `$VARIABLE`. */
export interface NatsAccount {
  user: string;
  password: string;
  /** None: every subject (the stack's `admin`, for tests and tools). */
  permissions?: NatsPermissions;
}

/** The environment variable a deployed NATS server reads a user's password from (deploy/). */
export const natsPasswordVariable = (user: NatsUser): string => `NATS_${user.toUpperCase()}_PASSWORD`;

const list = (subjects: readonly string[], indent: string) =>
  ['[', ...subjects.map((subject) => `${indent}  ${JSON.stringify(subject)}`), `${indent}]`].join('\n');

/** The `authorization` block of a nats-server configuration. Subjects are quoted: `$JS…` unquoted would be a variable. */
export const natsAuthorization = (accounts: readonly NatsAccount[]): string => {
  const lines = ['authorization {', '  users: ['];
  for (const { user, password, permissions } of accounts) {
    if (permissions) lines.push(`    # ${permissions.about}`);
    lines.push('    {', `      user: ${JSON.stringify(user)}`, `      password: ${password}`);
    if (permissions) {
      const i = '          ';
      lines.push('      permissions: {', '        publish: {', `${i}allow: ${list(permissions.publish.allow, i)}`);
      if (permissions.publish.deny?.length) lines.push(`${i}deny: ${list(permissions.publish.deny, i)}`);
      lines.push('        }', '        subscribe: {', `${i}allow: ${list(permissions.subscribe.allow, i)}`, '        }');
      if (permissions.allowResponses) lines.push('        allow_responses: true');
      lines.push('      }');
    }
    lines.push('    }');
  }
  lines.push('  ]', '}');
  return lines.join('\n');
};

/** What deploy/compose/nats.conf and deploy/k8s/base/nats.conf carry: every password from the server's environment. */
export const deployedNatsAuthorization = (): string =>
  natsAuthorization(NATS_USERS.map((user) => ({ user, password: `$${natsPasswordVariable(user)}`, permissions: NATS_PERMISSIONS[user] })));
