import type { BinaryReply, Chat } from '@messenger/contracts';
import { notFound, toAvatarWebp, type AvatarStore } from '@messenger/kit';
import type { MessagesService } from '../messages/messages.service.js';
import type { AvatarUrlSigner } from './avatar-url.js';
import { loadAccess, requirePermission } from './chat-access.js';
import type { ChatsRepository } from './chats.repository.js';
import type { ChatsService } from './chats.service.js';

export class ChatAvatarsService {
  constructor(
    private readonly chats: ChatsRepository,
    private readonly chatsService: ChatsService,
    private readonly messaging: MessagesService,
    private readonly store: AvatarStore,
    private readonly signer: AvatarUrlSigner,
  ) {}

  /** Processed first, stored, then pointed at: a bad file or a crash half-way keeps the old picture. */
  async upload(userId: string, chatId: string, imageBase64: string): Promise<Chat> {
    const access = await loadAccess(this.chats, chatId, userId);
    requirePermission(access, 'editInfo');
    const webp = await toAvatarWebp(Buffer.from(imageBase64, 'base64'));
    const version = Math.max(Date.now(), (access.chat.avatarVersion ?? 0) + 1);
    await this.store.save(chatId, version, webp);
    const updated = await this.chats.setAvatarVersion(access.chat._id, version);
    if (!updated) throw notFound('chat');
    await this.store.prune(chatId, version);
    await this.messaging.appendSystem(
      updated,
      { kind: 'chat.info-edited', actorId: userId, targetIds: [], details: { avatar: true } },
      updated.name,
    );
    const fresh = (await this.chats.findById(chatId)) ?? updated;
    await this.chatsService.pushView(fresh, 'chat.updated');
    return this.chatsService.view(fresh, userId);
  }

  async get(chatId: string, version: number, signature: string): Promise<BinaryReply> {
    if (!this.signer.verify(chatId, version, signature)) throw notFound('avatar');
    const chat = await this.chats.findById(chatId);
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
