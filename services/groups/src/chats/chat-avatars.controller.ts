import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import { ChatAvatarQuery, ChatAvatarUpload, ChatIdParams, SUBJECT } from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { ChatAvatarsService } from './chat-avatars.service.js';

const AvatarRequest = ChatIdParams.extend(ChatAvatarQuery.shape);

@Controller()
export class ChatAvatarsController {
  constructor(@Inject(ChatAvatarsService) private readonly avatars: ChatAvatarsService) {}

  @MessagePattern(SUBJECT.groups.uploadAvatar)
  upload(@AuthCaller() caller: Caller, @Payload(new ZodPipe(ChatAvatarUpload)) body: z.infer<typeof ChatAvatarUpload>) {
    return this.avatars.upload(caller.userId, body.chatId, body.image);
  }

  /** Public route: the signature in the URL is the permission. */
  @MessagePattern(SUBJECT.groups.avatar)
  get(@Payload(new ZodPipe(AvatarRequest)) request: z.infer<typeof AvatarRequest>) {
    return this.avatars.get(request.chatId, request.v, request.exp, request.sig);
  }
}
