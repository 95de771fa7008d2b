import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT, STREAMS } from '@messenger/contracts';
import {
  BaseConfig,
  connectMongo,
  connectRedis,
  consumeEvents,
  ensureStream,
  EventPublisher,
  Outbox,
  routeLimitsProvider,
  type ServiceRuntime,
} from '@messenger/kit';
import { z } from 'zod';
import { CallAnnouncer } from './calls/call-announcer.js';
import { CallJanitor } from './calls/call-janitor.js';
import { CallLifecycle } from './calls/call-lifecycle.js';
import { callMetrics } from './calls/call-metrics.js';
import { CallsController } from './calls/calls.controller.js';
import { handleGroupFact } from './calls/group-facts.js';
import { Directory } from './calls/groups-client.js';
import { LiveKitRooms } from './livekit/livekit-rooms.js';
import { LiveRules } from './livekit/live-rules.js';
import { MediaEvents } from './livekit/media-events.js';
import { WebhooksController } from './livekit/webhooks.controller.js';
import { LiveKitWebhooks } from './livekit/webhooks.js';
import { CallLogRepository } from './log/call-log.repository.js';
import { CallHands } from './moderation/call-hands.js';
import { CallModeration } from './moderation/call-moderation.js';
import { ModerationController } from './moderation/moderation.controller.js';
import { CallSessionRepository } from './sessions/call-session.repository.js';

export const CallsConfig = z.object({
  MONGO_URL: z.string().startsWith('mongodb', 'must be a mongodb:// URL'),
  MONGO_DB: z.string().default('messenger_calls'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be redis://host:port'),
  LIVEKIT_URL: z.string().regex(/^(wss?|https?):\/\//, 'must be ws(s):// or http(s)://'),
  /** What browsers connect to for media, when it differs from LIVEKIT_URL (behind an ingress). */
  LIVEKIT_PUBLIC_URL: z
    .string()
    .regex(/^wss?:\/\//)
    .optional(),
  LIVEKIT_API_KEY: z.string().min(1),
  LIVEKIT_API_SECRET: z.string().min(32, 'LiveKit needs a secret of at least 32 characters'),
  /** The call cap (Discord's for video calls). */
  CALL_MAX_PARTICIPANTS: z.coerce.number().int().min(2).max(1000).default(25),
  RING_TIMEOUT_MS: z.coerce.number().int().min(1000).default(45_000),
  CALL_STARTS_PER_MINUTE: z.coerce.number().int().min(1).default(3),
  /** A group call left empty ends after this long, so a dropped connection can come back. */
  CALL_EMPTY_GRACE_MS: z.coerce.number().int().min(0).default(15_000),
  CALL_SWEEP_MS: z.coerce.number().int().min(100).default(1_000),
  /** How often live sessions are checked against LiveKit's rooms (a lost webhook cannot leave a call live). */
  CALL_RECONCILE_MS: z.coerce.number().int().min(100).default(30_000),
});
export type CallsConfig = z.infer<typeof CallsConfig>;

@Module({})
export class CallsModule {
  static async create(runtime: ServiceRuntime<CallsConfig & BaseConfig>): Promise<DynamicModule> {
    const { config, logger, nats } = runtime;
    const db = await connectMongo(runtime, config.MONGO_URL, config.MONGO_DB);
    const log = new CallLogRepository(db);
    await Promise.all([
      log.init(),
      ensureStream(nats, STREAMS.calls, config.STREAM_REPLICAS),
      ensureStream(nats, STREAMS.groups, config.STREAM_REPLICAS),
    ]);
    const redis = await connectRedis(runtime, config.REDIS_URL);
    const rooms = new LiveKitRooms(
      {
        url: config.LIVEKIT_URL,
        publicUrl: config.LIVEKIT_PUBLIC_URL ?? config.LIVEKIT_URL.replace(/^http/, 'ws'),
        apiKey: config.LIVEKIT_API_KEY,
        apiSecret: config.LIVEKIT_API_SECRET,
        maxParticipants: config.CALL_MAX_PARTICIPANTS,
        emptyTimeoutSeconds: 60,
      },
      logger,
    );
    const outbox = new Outbox(new EventPublisher(nats), redis, 'outbox:calls', logger);
    runtime.onShutdown(outbox.start());
    const sessions = new CallSessionRepository(redis);
    const directory = new Directory(nats);
    const rules = new LiveRules(sessions, rooms, directory);
    const announcer = new CallAnnouncer(nats, sessions, rooms, outbox, log, logger);
    const lifecycle = new CallLifecycle(sessions, rooms, directory, rules, announcer, log, logger, {
      ringTimeoutMs: config.RING_TIMEOUT_MS,
      startsPerMinute: config.CALL_STARTS_PER_MINUTE,
      emptyGraceMs: config.CALL_EMPTY_GRACE_MS,
    });
    const media = new MediaEvents(sessions, rooms, directory, lifecycle, callMetrics(sessions), logger);
    const janitor = new CallJanitor(sessions, rooms, lifecycle, announcer, logger);
    // Every replica sweeps: the Lua sweep is atomic, and only the replica whose run ended a call announces it.
    const sweeper = setInterval(() => {
      janitor.sweep().catch((error: unknown) => logger.warn({ err: error }, 'call sweep failed'));
    }, config.CALL_SWEEP_MS);
    runtime.onShutdown(() => clearInterval(sweeper));
    const reconciler = setInterval(() => {
      janitor
        .reconcile(Math.max(config.CALL_RECONCILE_MS, 2_000))
        .catch((error: unknown) => logger.warn({ err: error }, 'call reconciliation failed'));
    }, config.CALL_RECONCILE_MS);
    runtime.onShutdown(() => clearInterval(reconciler));
    const groupFacts = await consumeEvents(nats, logger, {
      stream: STREAMS.groups.name,
      durable: 'calls-group-facts',
      subjects: [EVENT.memberRemoved, EVENT.chatDeleted, EVENT.callSettingsChanged, EVENT.rolesChanged],
      handle: (subject, payload) => handleGroupFact({ lifecycle, rules }, subject, payload),
    });
    runtime.onShutdown(() => groupFacts.stop());
    const callLog = await consumeEvents(nats, logger, {
      stream: STREAMS.calls.name,
      durable: 'calls-call-log',
      subjects: [EVENT.callEnded],
      handle: (_subject, payload) => announcer.recordLog(payload.call),
    });
    runtime.onShutdown(() => callLog.stop());
    return {
      module: CallsModule,
      controllers: [CallsController, ModerationController, WebhooksController],
      providers: [
        routeLimitsProvider(redis, config.RATE_LIMITS),
        { provide: CallLifecycle, useValue: lifecycle },
        { provide: CallModeration, useValue: new CallModeration(sessions, rooms, directory, lifecycle, announcer, config.RING_TIMEOUT_MS) },
        { provide: CallHands, useValue: new CallHands(sessions, rooms) },
        {
          provide: LiveKitWebhooks,
          useValue: new LiveKitWebhooks(config.LIVEKIT_API_KEY, config.LIVEKIT_API_SECRET, redis, media, logger),
        },
      ],
    };
  }
}
