import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import { CallHistoryQuery, CallIdParams, ChatIdParams, StartCallBody, SUBJECT } from '@messenger/contracts';

const HistoryRequest = ChatIdParams.extend(CallHistoryQuery.shape);
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { CallsService } from './calls.service.js';

@Controller()
export class CallsController {
  constructor(@Inject(CallsService) private readonly calls: CallsService) {}

  @MessagePattern(SUBJECT.calls.start)
  start(@AuthCaller() caller: Caller, @Payload(new ZodPipe(StartCallBody)) body: z.infer<typeof StartCallBody>) {
    return this.calls.start(caller.userId, body.chatId, body.type);
  }

  @MessagePattern(SUBJECT.calls.join)
  join(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CallIdParams)) params: z.infer<typeof CallIdParams>) {
    return this.calls.join(caller.userId, params.callId);
  }

  @MessagePattern(SUBJECT.calls.decline)
  decline(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CallIdParams)) params: z.infer<typeof CallIdParams>) {
    return this.calls.decline(caller.userId, params.callId);
  }

  @MessagePattern(SUBJECT.calls.leave)
  leave(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CallIdParams)) params: z.infer<typeof CallIdParams>) {
    return this.calls.leave(caller.userId, params.callId);
  }

  @MessagePattern(SUBJECT.calls.end)
  end(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CallIdParams)) params: z.infer<typeof CallIdParams>) {
    return this.calls.end(caller.userId, params.callId);
  }

  @MessagePattern(SUBJECT.calls.active)
  active(@AuthCaller() caller: Caller) {
    return this.calls.active(caller.userId);
  }

  @MessagePattern(SUBJECT.calls.history)
  history(@AuthCaller() caller: Caller, @Payload(new ZodPipe(HistoryRequest)) request: z.infer<typeof HistoryRequest>) {
    return this.calls.history(caller.userId, request.chatId, request.limit);
  }
}
