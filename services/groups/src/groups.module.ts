import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT, STREAMS } from '@messenger/contracts';
import { AvatarStore, BaseConfig, connectMongo, consumeEvents, ensureStream, EventPublisher, type ServiceRuntime } from '@messenger/kit';
import { CallFacts } from './calls/call-facts.js';
import { AvatarUrlSigner } from './chats/avatar-url.js';
import { ChatLocks } from './chats/chat-lock.js';
import { ChatAvatarsController } from './chats/chat-avatars.controller.js';
import { ChatAvatarsService } from './chats/chat-avatars.service.js';
import { z } from 'zod';
import { ChatsController } from './chats/chats.controller.js';
import { ChatsRepository } from './chats/chats.repository.js';
import { ChatsService } from './chats/chats.service.js';
import { InternalController } from './members/internal.controller.js';
import { MembersController } from './members/members.controller.js';
import { MembersService } from './members/members.service.js';
import { MessagesController } from './messages/messages.controller.js';
import { MessagesRepository } from './messages/messages.repository.js';
import { MessagesService } from './messages/messages.service.js';
import { GroupEvents } from './realtime/group-events.js';
import { Pushes } from './realtime/pushes.js';
import { UserDirectory } from './realtime/user-directory.js';

export const GroupsConfig = z.object({
  MONGO_URL: z.string().startsWith('mongodb', 'must be a mongodb:// URL'),
  MONGO_DB: z.string().default('messenger_groups'),
  /** The server-wide cap on members per group (the plan's maxMembers). */
  MAX_MEMBERS: z.coerce.number().int().min(2).max(100_000).default(100),
  /** Signs group picture URLs; the same on every replica. */
  URL_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters'),
});
export type GroupsConfig = z.infer<typeof GroupsConfig>;

@Module({})
export class GroupsModule {
  static async create(runtime: ServiceRuntime<GroupsConfig & BaseConfig>): Promise<DynamicModule> {
    const { config, logger, nats } = runtime;
    const db = await connectMongo(runtime, config.MONGO_URL, config.MONGO_DB);
    const chats = new ChatsRepository(db);
    const messages = new MessagesRepository(db);
    const avatarStore = new AvatarStore(db, 'chat_avatars');
    await Promise.all([chats.init(), messages.init(), avatarStore.init(), ensureStream(nats, STREAMS.groups, config.STREAM_REPLICAS)]);
    const signer = new AvatarUrlSigner(config.URL_SIGNING_SECRET);
    const locks = new ChatLocks(db);
    const pushes = new Pushes(nats);
    const users = new UserDirectory(nats);
    const events = new GroupEvents(new EventPublisher(nats), logger);
    const messaging = new MessagesService(chats, messages, pushes);
    const chatsService = new ChatsService(chats, messages, messaging, users, pushes, config.MAX_MEMBERS, signer, locks);
    const members = new MembersService(
      chats,
      chatsService,
      messaging,
      users,
      pushes,
      (chat, userIds) => events.memberRemoved(chat, userIds),
      locks,
    );
    // The CALLS stream belongs to the calls service; it is created here too so this consumer can start first.
    await ensureStream(nats, STREAMS.calls, config.STREAM_REPLICAS);
    const facts = new CallFacts(chats, chatsService, messaging);
    const consumer = await consumeEvents(nats, logger, {
      stream: STREAMS.calls.name,
      durable: 'groups-call-facts',
      subjects: [EVENT.callStarted, EVENT.callEnded],
      handle: (subject, payload) => facts.handle(subject, payload),
    });
    runtime.onShutdown(() => consumer.stop());
    return {
      module: GroupsModule,
      controllers: [ChatsController, ChatAvatarsController, MembersController, MessagesController, InternalController],
      providers: [
        { provide: ChatsRepository, useValue: chats },
        { provide: Pushes, useValue: pushes },
        { provide: GroupEvents, useValue: events },
        { provide: ChatsService, useValue: chatsService },
        { provide: MembersService, useValue: members },
        { provide: MessagesService, useValue: messaging },
        { provide: ChatAvatarsService, useValue: new ChatAvatarsService(chats, chatsService, messaging, avatarStore, signer) },
      ],
    };
  }
}
