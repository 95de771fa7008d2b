import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT, STREAMS } from '@messenger/contracts';
import {
  AvatarStore,
  BaseConfig,
  connectMongo,
  connectRedis,
  Outbox,
  routeLimitsProvider,
  consumeEvents,
  ensureStream,
  EventPublisher,
  type ServiceRuntime,
} from '@messenger/kit';
import { z } from 'zod';
import { AttachmentCache } from './attachments/attachment-cache.js';
import { AttachmentJanitor } from './attachments/attachment-janitor.js';
import { AttachmentUrlSigner } from './attachments/attachment-urls.js';
import { AttachmentsController } from './attachments/attachments.controller.js';
import { AttachmentsRepository } from './attachments/attachments.repository.js';
import { AttachmentsService } from './attachments/attachments.service.js';
import { CallFacts } from './calls/call-facts.js';
import { AvatarUrlSigner } from './chats/avatar-url.js';
import { ChatAvatarsController } from './chats/chat-avatars.controller.js';
import { ChatAvatarsService } from './chats/chat-avatars.service.js';
import { ChatLocks } from './chats/chat-lock.js';
import { ChatState } from './chats/chat-state.js';
import { ChatsController } from './chats/chats.controller.js';
import { ChatsRepository } from './chats/chats.repository.js';
import { ChatsService } from './chats/chats.service.js';
import { MembershipIndex } from './chats/membership-index.js';
import { InternalController } from './members/internal.controller.js';
import { MembersController } from './members/members.controller.js';
import { MembersService } from './members/members.service.js';
import { ChatCounters } from './messages/chat-counters.js';
import { LiveMessages } from './messages/live-messages.js';
import { MessageChangeWriter } from './messages/message-change-writer.js';
import { MessageChangesService } from './messages/message-changes.service.js';
import { MessageSearchService } from './messages/message-search.service.js';
import { MessagesController } from './messages/messages.controller.js';
import { MessagesRepository } from './messages/messages.repository.js';
import { MessagesService } from './messages/messages.service.js';
import { ReadMarkWriter } from './messages/read-mark-writer.js';
import { GroupEvents } from './realtime/group-events.js';
import { Pushes } from './realtime/pushes.js';
import { UserDirectory } from './realtime/user-directory.js';

export const GroupsConfig = z.object({
  MONGO_URL: z.string().startsWith('mongodb', 'must be a mongodb:// URL'),
  MONGO_DB: z.string().default('messenger_groups'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be redis://host:port'),
  /** The server-wide cap on members per group (the plan's maxMembers). */
  MAX_MEMBERS: z.coerce.number().int().min(2).max(100_000).default(100),
  /** Signs group picture URLs; the same on every replica. */
  URL_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** Newest messages per chat kept in Redis: history pages within them never touch the store. */
  RECENT_WINDOW: z.coerce.number().int().min(50).max(10_000).default(200),
  /** Chats cached per replica (least recently used go first). */
  CHAT_CACHE_SIZE: z.coerce.number().int().min(100).default(50_000),
});
export type GroupsConfig = z.infer<typeof GroupsConfig>;

@Module({})
export class GroupsModule {
  static async create(runtime: ServiceRuntime<GroupsConfig & BaseConfig>): Promise<DynamicModule> {
    const { config, logger, nats } = runtime;
    const started = performance.now();
    const phases: Record<string, number> = {};
    const phase = (name: string) => (phases[name] = Math.round(performance.now() - started));
    const [db, redis] = await Promise.all([
      connectMongo(runtime, config.MONGO_URL, config.MONGO_DB),
      connectRedis(runtime, config.REDIS_URL),
    ]);
    const chats = new ChatsRepository(db);
    const messages = new MessagesRepository(db);
    const avatarStore = new AvatarStore(db, 'chat_avatars');
    await Promise.all([chats.init(), messages.init(), avatarStore.init(), ensureStream(nats, STREAMS.groups, config.STREAM_REPLICAS)]);
    phase('storesMs');
    const index = new MembershipIndex(redis, chats, logger);
    // Ready only once the chat lists and contacts can be answered: the index is built before this returns.
    await index.ensureBuilt();
    phase('indexMs');
    runtime.onShutdown(index.keepBuilt());
    const state = new ChatState(chats, redis, nats, new ChatLocks(redis), index, logger, config.CHAT_CACHE_SIZE);
    state.listen();
    await state.warm();
    phase('cacheMs');
    runtime.onShutdown(() => state.stop());
    const counters = new ChatCounters(redis, config.RECENT_WINDOW);
    const marks = new ReadMarkWriter(messages, logger);
    marks.start();
    runtime.onShutdown(() => marks.stop());
    const signer = new AvatarUrlSigner(config.URL_SIGNING_SECRET);
    const pushes = new Pushes(nats);
    const users = new UserDirectory(nats);
    const outbox = new Outbox(new EventPublisher(nats), redis, 'outbox:groups', logger);
    runtime.onShutdown(outbox.start());
    const events = new GroupEvents(outbox, logger);
    const attachments = new AttachmentsService(
      state,
      new AttachmentsRepository(db),
      new AttachmentCache(redis),
      new AttachmentUrlSigner(config.URL_SIGNING_SECRET),
      logger,
    );
    runtime.onShutdown(new AttachmentJanitor(attachments, logger).start());
    const live = new LiveMessages(redis, messages, { attachmentView: attachments.view });
    const changeWriter = new MessageChangeWriter(redis, live, messages, logger);
    changeWriter.start();
    runtime.onShutdown(() => changeWriter.stop());
    const messaging = new MessagesService(state, counters, messages, marks, pushes, live, users, attachments);
    const chatsService = new ChatsService(state, index, chats, messages, counters, messaging, users, pushes, config.MAX_MEMBERS, signer);
    const members = new MembersService(state, chatsService, messaging, users, pushes, events);
    // The CALLS stream belongs to the calls service; it is created here too so this consumer can start first.
    await ensureStream(nats, STREAMS.calls, config.STREAM_REPLICAS);
    const facts = new CallFacts(state, chatsService, messaging);
    const consumer = await consumeEvents(nats, logger, {
      stream: STREAMS.calls.name,
      durable: 'groups-call-facts',
      subjects: [EVENT.callStarted, EVENT.callEnded],
      handle: (subject, payload) => facts.handle(subject, payload),
    });
    runtime.onShutdown(() => consumer.stop());
    // A cold start's cost, by phase (ms since start, cumulative): what a restart makes an operator wait for.
    logger.info({ ...phases, totalMs: Math.round(performance.now() - started) }, 'groups ready to serve');
    return {
      module: GroupsModule,
      controllers: [
        ChatsController,
        ChatAvatarsController,
        AttachmentsController,
        MembersController,
        MessagesController,
        InternalController,
      ],
      providers: [
        routeLimitsProvider(redis, config.RATE_LIMITS),
        { provide: ChatState, useValue: state },
        { provide: AttachmentsService, useValue: attachments },
        { provide: MembershipIndex, useValue: index },
        { provide: Pushes, useValue: pushes },
        { provide: GroupEvents, useValue: events },
        { provide: ChatsService, useValue: chatsService },
        { provide: MembersService, useValue: members },
        { provide: MessagesService, useValue: messaging },
        { provide: MessageChangesService, useValue: new MessageChangesService(state, live, pushes, attachments, logger) },
        { provide: MessageSearchService, useValue: new MessageSearchService(state, messages, live) },
        { provide: ChatAvatarsService, useValue: new ChatAvatarsService(state, chatsService, messaging, avatarStore, signer) },
      ],
    };
  }
}
