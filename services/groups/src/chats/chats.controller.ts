import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import { ChatIdParams, CreateGroupBody, CreatePersonalBody, SUBJECT, UpdateChatBody } from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { GroupEvents } from '../realtime/group-events.js';
import { ChatsService } from './chats.service.js';

const UpdateRequest = ChatIdParams.extend(UpdateChatBody.shape);

@Controller()
export class ChatsController {
  constructor(
    @Inject(ChatsService) private readonly chats: ChatsService,
    @Inject(GroupEvents) private readonly events: GroupEvents,
  ) {}

  @MessagePattern(SUBJECT.groups.list)
  list(@AuthCaller() caller: Caller) {
    return this.chats.list(caller.userId);
  }

  @MessagePattern(SUBJECT.groups.createPersonal)
  personal(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CreatePersonalBody)) body: z.infer<typeof CreatePersonalBody>) {
    return this.chats.openPersonal(caller.userId, body.userId);
  }

  @MessagePattern(SUBJECT.groups.createGroup)
  create(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CreateGroupBody)) body: z.infer<typeof CreateGroupBody>) {
    return this.chats.createGroup(caller.userId, body);
  }

  @MessagePattern(SUBJECT.groups.get)
  get(@AuthCaller() caller: Caller, @Payload(new ZodPipe(ChatIdParams)) params: z.infer<typeof ChatIdParams>) {
    return this.chats.get(caller.userId, params.chatId);
  }

  @MessagePattern(SUBJECT.groups.update)
  async update(@AuthCaller() caller: Caller, @Payload(new ZodPipe(UpdateRequest)) request: z.infer<typeof UpdateRequest>) {
    const { chatId, ...changes } = request;
    if (changes.name === undefined && changes.description === undefined && changes.callSettings === undefined) {
      return this.chats.get(caller.userId, chatId);
    }
    const { chat, callSettingsChanged } = await this.chats.update(caller.userId, chatId, changes);
    if (callSettingsChanged) await this.events.callSettingsChanged(chat);
    return this.chats.view(chat, caller.userId);
  }

  @MessagePattern(SUBJECT.groups.delete)
  async delete(@AuthCaller() caller: Caller, @Payload(new ZodPipe(ChatIdParams)) params: z.infer<typeof ChatIdParams>) {
    const chat = await this.chats.delete(caller.userId, params.chatId);
    await this.events.chatDeleted(chat);
    return {};
  }
}
