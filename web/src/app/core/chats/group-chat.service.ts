import { Injectable, inject } from '@angular/core';
import type { CallSettings, Chat, Permissions } from '@messenger/contracts';
import { Api } from '../api/api.service';
import { ChatsStore } from './chats.store';

export interface NewGroup {
  name: string;
  description: string;
  memberIds: string[];
  avatar: Blob | null;
}

/**
 * What a user does to chats and their members. Each action answers with the chat as the server
 * now has it, which goes straight into the list (the push that follows changes nothing more).
 */
@Injectable({ providedIn: 'root' })
export class GroupChatService {
  private readonly api = inject(Api);
  private readonly chats = inject(ChatsStore);

  /** Creates the group, then sets its picture; a failed picture upload leaves the group without one. */
  async create(group: NewGroup): Promise<{ chat: Chat; avatarFailed: boolean }> {
    const chat = await this.kept(
      this.api.createGroup({ type: 'group', name: group.name, description: group.description || undefined, memberIds: group.memberIds }),
    );
    if (!group.avatar) return { chat, avatarFailed: false };
    try {
      return { chat: await this.kept(this.api.uploadChatAvatar(chat.id, group.avatar)), avatarFailed: false };
    } catch {
      return { chat, avatarFailed: true };
    }
  }

  openPersonal(userId: string): Promise<Chat> {
    return this.kept(this.api.personalChat(userId));
  }

  editInfo(chatId: string, info: { name?: string; description?: string }): Promise<Chat> {
    return this.kept(this.api.updateChat(chatId, info));
  }

  setCallSettings(chatId: string, callSettings: Partial<CallSettings>): Promise<Chat> {
    return this.kept(this.api.updateChat(chatId, { callSettings }));
  }

  setAvatar(chatId: string, image: Blob): Promise<Chat> {
    return this.kept(this.api.uploadChatAvatar(chatId, image));
  }

  addMembers(chatId: string, userIds: string[]): Promise<Chat> {
    return this.kept(this.api.addMembers(chatId, userIds));
  }

  async removeMember(chatId: string, userId: string): Promise<void> {
    await this.api.removeMember(chatId, userId);
    await this.chats.refresh(chatId);
  }

  setRole(chatId: string, userId: string, role: 'admin' | 'member'): Promise<Chat> {
    return this.kept(this.api.updateMember(chatId, userId, { role }));
  }

  setPermission(chatId: string, userId: string, permission: keyof Permissions, value: boolean): Promise<Chat> {
    return this.kept(this.api.updateMember(chatId, userId, { permissions: { [permission]: value } }));
  }

  setRingMuted(chatId: string, userId: string, ringMuted: boolean): Promise<Chat> {
    return this.kept(this.api.updateMember(chatId, userId, { ringMuted }));
  }

  transferOwnership(chatId: string, userId: string): Promise<Chat> {
    return this.kept(this.api.transferOwnership(chatId, userId));
  }

  async leave(chatId: string, myId: string): Promise<void> {
    await this.api.removeMember(chatId, myId);
    this.chats.forget(chatId);
  }

  async delete(chatId: string): Promise<void> {
    await this.api.deleteChat(chatId);
    this.chats.forget(chatId);
  }

  private async kept(request: Promise<Chat>): Promise<Chat> {
    const chat = await request;
    this.chats.upsert(chat);
    return chat;
  }
}
