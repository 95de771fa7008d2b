import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { AvatarQuery, AvatarUpload, SUBJECT, UserIdParams } from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { AvatarsService } from './avatars.service.js';

const AvatarRequest = UserIdParams.extend(AvatarQuery.shape);

@Controller()
export class AvatarsController {
  constructor(@Inject(AvatarsService) private readonly avatars: AvatarsService) {}

  @MessagePattern(SUBJECT.users.uploadAvatar)
  upload(@AuthCaller() caller: Caller, @Payload(new ZodPipe(AvatarUpload)) body: z.infer<typeof AvatarUpload>) {
    return this.avatars.upload(caller.userId, body.image);
  }

  /** Public: avatars are shown by <img> tags, which send no bearer token. */
  @MessagePattern(SUBJECT.users.avatar)
  get(@Payload(new ZodPipe(AvatarRequest)) request: z.infer<typeof AvatarRequest>) {
    return this.avatars.get(request.id, request.v);
  }
}
