import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import { SUBJECT, UpdateMeBody, UserIdParams, UserSummariesRequest } from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { ProfilesService } from './profiles.service.js';

@Controller()
export class ProfilesController {
  constructor(@Inject(ProfilesService) private readonly profiles: ProfilesService) {}

  @MessagePattern(SUBJECT.users.me)
  me(@AuthCaller() caller: Caller) {
    return this.profiles.get(caller.userId);
  }

  @MessagePattern(SUBJECT.users.updateMe)
  updateMe(@AuthCaller() caller: Caller, @Payload(new ZodPipe(UpdateMeBody)) body: z.infer<typeof UpdateMeBody>) {
    return this.profiles.update(caller.userId, body);
  }

  @MessagePattern(SUBJECT.users.getById)
  getById(@AuthCaller() _caller: Caller, @Payload(new ZodPipe(UserIdParams)) params: z.infer<typeof UserIdParams>) {
    return this.profiles.get(params.id);
  }

  /** For other services (never routed from the edge): many users in one round trip. */
  @MessagePattern(SUBJECT.users.summaries)
  summaries(@Payload(new ZodPipe(UserSummariesRequest)) request: z.infer<typeof UserSummariesRequest>) {
    return this.profiles.summaries(request.ids);
  }
}
