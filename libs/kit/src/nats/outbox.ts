import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { EVENT_SCHEMAS, type EventPayload, type EventSubject } from '@messenger/contracts';
import { sharedInstruments } from '../metrics.js';
import type { EventPublisher } from './events.js';

interface Pending {
  subject: EventSubject;
  payload: unknown;
}

/**
 * Facts that must reach the other services even through a NATS hiccup: a publish that fails is kept in Redis (a
 * hash per service, the fact's id as field) and tried again every `intervalMs` by every replica until JetStream
 * takes it. The id de-duplicates: a fact published twice by two replicas, or once before a lost acknowledgement
 * and once after, is stored once (within the stream's two-minute window).
 */
export class Outbox {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly redis: Redis,
    private readonly key: string,
    private readonly logger: Logger,
  ) {}

  /** Publishes now, or keeps the fact for the next sweep; throws only if neither JetStream nor Redis took it. */
  async publish<S extends EventSubject>(subject: S, payload: EventPayload<S>, id: string): Promise<void> {
    try {
      await this.publisher.publish(subject, payload, id);
    } catch (error) {
      await this.redis.hset(this.key, id, JSON.stringify({ subject, payload } satisfies Pending));
      sharedInstruments().outboxQueued.add(1, { subject });
      this.logger.warn({ err: error, subject, id }, 'fact not published yet; kept in the outbox');
    }
  }

  /** Tries every kept fact once; answers how many are still waiting. */
  async flush(): Promise<number> {
    const kept = await this.redis.hgetall(this.key);
    let waiting = 0;
    for (const [id, raw] of Object.entries(kept)) {
      const pending = JSON.parse(raw) as Pending;
      const parsed = EVENT_SCHEMAS[pending.subject]?.safeParse(pending.payload);
      if (!parsed?.success) {
        this.logger.error({ id, subject: pending.subject }, 'malformed fact dropped from the outbox');
        await this.redis.hdel(this.key, id);
        continue;
      }
      try {
        await this.publisher.publish(pending.subject, parsed.data as EventPayload<EventSubject>, id);
        await this.redis.hdel(this.key, id);
      } catch {
        waiting += 1;
      }
    }
    return waiting;
  }

  start(intervalMs = 1_000): () => Promise<void> {
    this.timer = setInterval(() => {
      this.flush().catch((error: unknown) => this.logger.warn({ err: error }, 'outbox sweep failed'));
    }, intervalMs);
    return async () => {
      clearInterval(this.timer);
      await this.flush().catch(() => undefined);
    };
  }
}
