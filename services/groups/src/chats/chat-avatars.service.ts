import type { BinaryReply, Chat } from '@messenger/contracts';
import { notFound, toAvatarWebp, type AvatarStore } from '@messenger/kit';
import type { MessagesService } from '../messages/messages.service.js';
import type { AvatarUrlSigner } from './avatar-url.js';
import { requirePermission } from './chat-access.js';
import { accessIn, type ChatState } from './chat-state.js';
import type { ChatsService } from './chats.service.js';

export class ChatAvatarsService {
  constructor(
    private readonly state: ChatState,
    private readonly chatsService: ChatsService,
    private readonly messaging: MessagesService,
    private readonly store: AvatarStore,
    private readonly signer: AvatarUrlSigner,
  ) {}

  /** Processed first, stored, then pointed at: a bad file or a crash half-way keeps the old picture. */
  async upload(userId: string, chatId: string, imageBase64: string): Promise<Chat> {
    requirePermission(await this.state.access(chatId, userId), 'editInfo');
    const webp = await toAvatarWebp(Buffer.from(imageBase64, 'base64'));
    const version = Date.now();
    await this.store.save(chatId, version, webp);
    const updated = await this.state.change(chatId, (before) => {
      const access = accessIn(before, userId);
      requirePermission(access, 'editInfo');
      return {
        set: { avatarVersion: Math.max(version, (access.chat.avatarVersion ?? 0) + 1) },
        after: async (chat) => {
          await this.messaging.appendSystem(
            chat,
            { kind: 'chat.info-edited', actorId: userId, targetIds: [], details: { avatar: true } },
            chat.name,
          );
          await this.chatsService.pushView(chat, 'chat.updated');
        },
      };
    });
    if (!updated) throw notFound('chat');
    if (updated.avatarVersion !== version) await this.store.save(chatId, updated.avatarVersion!, webp);
    await this.store.prune(chatId, updated.avatarVersion!);
    return this.chatsService.view(updated, userId);
  }

  async get(chatId: string, version: number, expiresAt: number, signature: string): Promise<BinaryReply> {
    if (!this.signer.verify(chatId, version, expiresAt, signature)) throw notFound('avatar');
    const chat = (await this.state.get(chatId))?.chat;
    if (!chat || chat.avatarVersion === null) throw notFound('avatar');
    const avatar = await this.store.find(chatId, chat.avatarVersion);
    if (!avatar) throw notFound('avatar');
    return {
      contentType: 'image/webp',
      dataBase64: avatar.data.toString('base64'),
      cache: version === chat.avatarVersion ? 'immutable' : 'revalidate',
    };
  }
}
