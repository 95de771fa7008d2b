import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { CallHistoryQuery, CallIdParams, ChatIdParams, StartCallBody, SUBJECT } from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { CallLifecycle } from './call-lifecycle.js';

const HistoryRequest = ChatIdParams.extend(CallHistoryQuery.shape);

/** A call from start to end, and what people see of calls. */
@Controller()
export class CallsController {
  constructor(@Inject(CallLifecycle) private readonly calls: CallLifecycle) {}

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
