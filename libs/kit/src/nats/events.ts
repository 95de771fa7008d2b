import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { EventPayload, EventSubject } from '@messenger/contracts';
import { injectTraceHeaders } from '../telemetry.js';

/** Creates the stream if it is missing, or updates its subjects; safe to run from every replica. */
export const ensureStream = async (
  nc: NatsConnection,
  stream: { name: string; subjects: readonly string[] },
  replicas = 1,
): Promise<void> => {
  const jsm = await jetstreamManager(nc);
  const config = {
    name: stream.name,
    subjects: [...stream.subjects],
    max_age: 7 * 24 * 3600 * 1e9,
    duplicate_window: 2 * 60 * 1e9,
    num_replicas: replicas,
  };
  try {
    await jsm.streams.info(stream.name);
    await jsm.streams.update(stream.name, config);
  } catch {
    await jsm.streams.add(config);
  }
};

/**
 * Publishes a durable fact. `id` de-duplicates retries (JetStream's Nats-Msg-Id) within the
 * stream's duplicate window; the trace context travels in the headers like a request's.
 */
export class EventPublisher {
  private readonly js: JetStreamClient;
  constructor(nc: NatsConnection) {
    this.js = jetstream(nc);
  }

  async publish<S extends EventSubject>(subject: S, payload: EventPayload<S>, id: string): Promise<void> {
    const headers = natsHeaders();
    injectTraceHeaders(headers);
    await this.js.publish(subject, JSON.stringify(payload), { msgID: id, headers });
  }
}
