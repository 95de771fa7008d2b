import type { NatsConnection } from '@nats-io/transport-node';
import { SUBJECT } from '@messenger/contracts';
import { askService, publishPush, type Logger } from '@messenger/kit';
import type { PresenceOutlets } from './presence-announcer.js';
import type { PresenceRepository } from './presence.repository.js';

/** The announcer's outlets in production: contacts from the groups service, online state from Redis, pushes over NATS. */
export const presenceOutlets = (nats: NatsConnection, presence: PresenceRepository, logger: Logger): PresenceOutlets => ({
  async contactsOf(userIds) {
    const reply = await askService(nats, SUBJECT.groups.contacts, { userIds }, { timeoutMs: 2_000 });
    if (reply.ok) return new Map(Object.entries(reply.reply.contacts));
    if (reply.error.code !== 'SERVICE_UNAVAILABLE') logger.warn({ code: reply.error.code }, 'presence contacts lookup failed');
    return null;
  },
  async onlineNow(userIds) {
    return (await presence.states(userIds)).map((state) => state.online);
  },
  push(userIds, frame) {
    publishPush(nats, userIds, frame);
  },
});
