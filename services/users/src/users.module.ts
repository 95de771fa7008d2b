import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMS } from '@messenger/contracts';
import {
  AvatarStore,
  connectMongo,
  connectRedis,
  ensureStream,
  EventPublisher,
  routeLimitsProvider,
  type ServiceRuntime,
} from '@messenger/kit';
import { UserEvents } from './accounts/user-events.js';
import { AccountsRepository } from './accounts/accounts.repository.js';
import { AuthController } from './accounts/auth.controller.js';
import { AuthService } from './accounts/auth.service.js';
import { LoginThrottle } from './accounts/login-throttle.js';
import { PasswordHasher } from './accounts/password-hasher.js';
import { readPrivateKey, type UsersConfig } from './config.js';
import { ProfilesController } from './profiles/profiles.controller.js';
import { ProfilesService } from './profiles/profiles.service.js';
import { SessionsRepository } from './sessions/sessions.repository.js';
import { StoredSessions } from './sessions/stored-sessions.js';
import { UserCache } from './accounts/user-cache.js';
import { LastSeenWriter } from './presence/last-seen-writer.js';
import { AvatarsController } from './avatars/avatars.controller.js';
import { AvatarsService } from './avatars/avatars.service.js';
import { SearchController } from './search/search.controller.js';
import { SearchService } from './search/search.service.js';
import { PresenceController } from './presence/presence.controller.js';
import { PresenceRepository } from './presence/presence.repository.js';
import { PresenceService } from './presence/presence.service.js';
import { PresenceAnnouncer } from './presence/presence-announcer.js';
import { presenceOutlets } from './presence/presence-outlets.js';
import { ProfileBroadcast } from './profiles/profile-broadcast.js';
import { SessionEndings } from './sessions/session-endings.js';
import { TokenIssuer } from './sessions/token-issuer.js';

/** Wires the users service: its stores are opened first, then plain classes are handed to Nest. */
@Module({})
export class UsersModule {
  static async create(runtime: ServiceRuntime<UsersConfig & ServiceRuntime['config']>): Promise<DynamicModule> {
    const { config, logger } = runtime;
    const db = await connectMongo(runtime, config.MONGO_URL, config.MONGO_DB);
    const redis = await connectRedis(runtime, config.REDIS_URL);
    const accounts = new AccountsRepository(db);
    const users = new UserCache(redis, accounts);
    const sessions = new SessionsRepository(redis, new StoredSessions(db), {
      refreshTtlMs: config.REFRESH_TOKEN_TTL_DAYS * 86_400_000,
      reuseGraceMs: config.REFRESH_TOKEN_REUSE_GRACE_SECONDS * 1000,
    });
    await ensureStream(runtime.nats, STREAMS.users, config.STREAM_REPLICAS);
    const events = new UserEvents(new EventPublisher(runtime.nats), logger);
    const avatars = new AvatarStore(db, 'avatars');
    await Promise.all([accounts.init(), sessions.init(), avatars.init()]);
    const tokens = await TokenIssuer.create(readPrivateKey(config), {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
    });
    const throttle = new LoginThrottle(redis, {
      freeFailures: config.LOGIN_MAX_FAILURES_PER_USERNAME,
      perAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      baseDelayMs: config.LOGIN_BACKOFF_BASE_SECONDS * 1000,
      maxDelayMs: Math.max(config.LOGIN_BACKOFF_BASE_SECONDS, config.LOGIN_BACKOFF_MAX_SECONDS) * 1000,
      windowMs: config.LOGIN_THROTTLE_WINDOW_SECONDS * 1000,
    });
    const presenceRepository = new PresenceRepository(redis, config.PRESENCE_GATEWAY_TTL_MS);
    const outlets = presenceOutlets(runtime.nats, presenceRepository, logger);
    const announcer = new PresenceAnnouncer(
      outlets,
      { windowMs: config.PRESENCE_ANNOUNCE_WINDOW_MS, offlineGraceMs: config.PRESENCE_OFFLINE_GRACE_MS },
      logger,
    );
    const presence = new PresenceService(presenceRepository, users, announcer, outlets);
    const broadcast = new ProfileBroadcast(outlets, logger);
    const sweeper = setInterval(() => {
      presence.sweep(config.PRESENCE_SWEEP_MS).catch((error: unknown) => logger.warn({ err: error }, 'presence sweep failed'));
    }, config.PRESENCE_SWEEP_MS);
    const lastSeen = new LastSeenWriter(presenceRepository, accounts, logger);
    const lastSeenFlusher = setInterval(() => void lastSeen.flush(), config.PRESENCE_LAST_SEEN_FLUSH_MS);
    runtime.onShutdown(async () => {
      clearInterval(sweeper);
      clearInterval(lastSeenFlusher);
      await Promise.all([lastSeen.flush(), announcer.drain()]);
    });
    return {
      module: UsersModule,
      controllers: [AuthController, ProfilesController, AvatarsController, SearchController, PresenceController],
      providers: [
        routeLimitsProvider(redis, config.RATE_LIMITS),
        {
          provide: AuthService,
          useValue: new AuthService(
            accounts,
            users,
            sessions,
            new PasswordHasher({ N: 2 ** config.PASSWORD_SCRYPT_LOG2_N, r: 8, p: 1 }),
            tokens,
            throttle,
            events,
            logger,
            new SessionEndings(runtime.nats),
          ),
        },
        { provide: ProfilesService, useValue: new ProfilesService(accounts, users, broadcast, events) },
        { provide: AvatarsService, useValue: new AvatarsService(accounts, users, avatars, broadcast, events) },
        { provide: SearchService, useValue: new SearchService(accounts) },
        { provide: PresenceService, useValue: presence },
      ],
    };
  }
}
