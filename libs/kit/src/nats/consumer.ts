import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { EVENT_SCHEMAS, type EventPayload, type EventSubject } from '@messenger/contracts';
import type { Logger } from 'pino';
import { context, trace } from '@opentelemetry/api';
import { extractTraceContext, type HeaderCarrier } from '../telemetry.js';

export interface EventConsumerOptions<S extends EventSubject> {
  stream: string;
  /** The consumer's durable name: replicas sharing it share the work, and it resumes after downtime. */
  durable: string;
  subjects: S[];
  handle: (subject: S, payload: EventPayload<S>) => Promise<void>;
}

/**
 * Reads durable facts from JetStream: each is checked against its schema in libs/contracts first, then explicit
 * ack after the handler succeeds, nak (redelivery with a delay) when it throws, and a consume loop that restarts
 * by itself (after a NATS restart, too).
 */
export const consumeEvents = async <S extends EventSubject>(
  nc: NatsConnection,
  logger: Logger,
  options: EventConsumerOptions<S>,
): Promise<{ stop(): void }> => {
  const jsm = await jetstreamManager(nc);
  const config = {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subjects: [...options.subjects],
    ack_wait: 30 * 1e9,
    max_deliver: 20,
  };
  try {
    await jsm.consumers.info(options.stream, options.durable);
    await jsm.consumers.update(options.stream, options.durable, { filter_subjects: config.filter_subjects });
  } catch {
    await jsm.consumers.add(options.stream, config);
  }
  const js = jetstream(nc);
  const tracer = trace.getTracer('events');
  let running = true;
  const loop = async () => {
    while (running) {
      try {
        const consumer = await js.consumers.get(options.stream, options.durable);
        const messages = await consumer.consume({ max_messages: 64 });
        for await (const msg of messages) {
          if (!running) break;
          const parent = extractTraceContext(msg.headers as unknown as HeaderCarrier | undefined);
          await context.with(parent, () =>
            tracer.startActiveSpan(`consume ${msg.subject}`, async (span) => {
              try {
                const parsed = EVENT_SCHEMAS[msg.subject as S].safeParse(msg.json());
                if (!parsed.success) {
                  // Redelivering a malformed fact cannot make it well-formed: it is refused for good, and said so.
                  logger.error({ subject: msg.subject, issues: parsed.error.issues.slice(0, 3) }, 'malformed event refused');
                  msg.term();
                  return;
                }
                await options.handle(msg.subject as S, parsed.data as EventPayload<S>);
                msg.ack();
              } catch (error) {
                logger.warn({ err: error, subject: msg.subject, deliveries: msg.info.deliveryCount }, 'event handling failed; will retry');
                msg.nak(1_000 * Math.min(msg.info.deliveryCount, 30));
              } finally {
                span.end();
              }
            }),
          );
        }
      } catch (error) {
        if (!running) return;
        logger.warn({ err: error, durable: options.durable }, 'event consumer stopped; restarting');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  };
  void loop();
  return {
    stop: () => {
      running = false;
    },
  };
};
