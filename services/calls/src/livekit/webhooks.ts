import { WebhookReceiver, type WebhookEvent } from 'livekit-server-sdk';
import type { Redis } from 'ioredis';
import { ServiceError, type Logger } from '@messenger/kit';
import { seatIn } from './livekit-rooms.js';
import type { MediaEvents } from './media-events.js';

const SEEN_SECONDS = 24 * 3600;

/**
 * LiveKit tells us who really connected to and left the media, and when a room closed. Each event
 * is verified against the raw body, and handled once even if delivered twice or to two replicas
 * (its id is claimed in Redis first).
 */
export class LiveKitWebhooks {
  private readonly receiver: WebhookReceiver;

  constructor(
    apiKey: string,
    apiSecret: string,
    private readonly redis: Redis,
    private readonly media: MediaEvents,
    private readonly logger: Logger,
  ) {
    this.receiver = new WebhookReceiver(apiKey, apiSecret);
  }

  async receive(body: string, authorization: string): Promise<{ handled: boolean }> {
    let event;
    try {
      event = await this.receiver.receive(body, authorization);
    } catch {
      throw new ServiceError('UNAUTHENTICATED', 'webhook signature does not match');
    }
    const first = await this.redis.set(`webhook:${event.id}`, '1', 'EX', SEEN_SECONDS, 'NX');
    if (first !== 'OK') return { handled: false };
    try {
      await this.handle(event);
    } catch (error) {
      // LiveKit sends the event again after an error answer; the claim goes, so that retry is handled.
      await this.redis.del(`webhook:${event.id}`);
      throw error;
    }
    return { handled: true };
  }

  private async handle(event: WebhookEvent): Promise<void> {
    const room = event.room?.name;
    const identity = event.participant?.identity;
    this.logger.info({ event: `livekit.${event.event}`, room, identity }, 'livekit webhook');
    if (!room?.startsWith('c_')) return;
    const seat = seatIn(event.participant?.metadata) ?? undefined;
    if (event.event === 'participant_joined' && identity) await this.media.joined(room, identity, seat);
    if (event.event === 'participant_left' && identity) await this.media.left(room, identity, seat);
    if (event.event === 'room_finished') await this.media.roomFinished(room);
  }
}
