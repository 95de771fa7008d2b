import type { NatsConnection } from '@nats-io/transport-node';
import { GATEWAY_SUBJECT, SessionEnded } from '@messenger/contracts';

/**
 * Tells every gateway that a sign-in ended (logout, or its family revoked after a reuse), so the sockets opened
 * with its access tokens close now rather than when those tokens run out. Core NATS: a gateway that misses it
 * still closes them at the token's expiry.
 */
export class SessionEndings {
  constructor(private readonly nats: NatsConnection) {}

  announce(userId: string, sessionId: string): void {
    this.nats.publish(GATEWAY_SUBJECT.sessionEnded, JSON.stringify(SessionEnded.parse({ userId, sessionId })));
  }
}
