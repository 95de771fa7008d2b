import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { deadLetterSubject, EVENT_SCHEMAS, STREAMS, type EventPayload, type EventSubject } from '@messenger/contracts';
import { sharedInstruments } from '../metrics.js';
import { ensureStream } from './events.js';
import type { Logger } from 'pino';
import { context, trace } from '@opentelemetry/api';
import { extractTraceContext, type HeaderCarrier } from '../telemetry.js';

/** Deliveries of one fact before it goes to the dead-letter stream. */
export const MAX_DELIVERIES = 20;
const defaultRetryDelay = (deliveries: number) => 1_000 * Math.min(deliveries, 30);

export interface EventConsumerOptions<S extends EventSubject> {
  stream: string;
  /** The consumer's durable name: replicas sharing it share the work, and it resumes after downtime. */
  durable: string;
  subjects: S[];
  handle: (subject: S, payload: EventPayload<S>) => Promise<void>;
  /** How long before a failed fact is delivered again (default: a second per delivery so far, at most 30). */
  retryDelayMs?: (deliveries: number) => number;
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
    max_deliver: MAX_DELIVERIES,
  };
  try {
    await jsm.consumers.info(options.stream, options.durable);
    await jsm.consumers.update(options.stream, options.durable, { filter_subjects: config.filter_subjects });
  } catch {
    await jsm.consumers.add(options.stream, config);
  }
  const js = jetstream(nc);
  await ensureStream(nc, STREAMS.deadLetters);
  /**
   * The last delivery failed too: the fact goes to the dead-letter stream, with why, for an operator to replay,
   * and the counter an alert watches goes up. It is not dropped, and it no longer blocks what comes after it.
   */
  const deadLetter = async (msg: JsMsg, error: unknown) => {
    const headers = natsHeaders();
    headers.set('x-dead-consumer', options.durable);
    headers.set('x-dead-subject', msg.subject);
    headers.set('x-dead-error', String((error as Error)?.message ?? error).slice(0, 500));
    try {
      await js.publish(deadLetterSubject(options.durable, msg.subject), msg.data, { headers, msgID: `dead:${options.durable}:${msg.seq}` });
    } catch (publishError) {
      // Not kept either: leave it to JetStream's redelivery rather than lose it.
      logger.error({ err: publishError, subject: msg.subject }, 'dead letter not stored; the fact stays pending');
      msg.nak(30_000);
      return;
    }
    msg.term();
    sharedInstruments().deadLettered.add(1, { consumer: options.durable, subject: msg.subject });
    logger.error({ err: error, subject: msg.subject, consumer: options.durable, deliveries: msg.info.deliveryCount }, 'fact dead-lettered');
  };
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
                if (msg.info.deliveryCount >= MAX_DELIVERIES) {
                  await deadLetter(msg, error);
                  return;
                }
                logger.warn({ err: error, subject: msg.subject, deliveries: msg.info.deliveryCount }, 'event handling failed; will retry');
                msg.nak((options.retryDelayMs ?? defaultRetryDelay)(msg.info.deliveryCount));
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
