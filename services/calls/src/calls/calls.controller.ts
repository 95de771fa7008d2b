import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { CallHistoryQuery, CallIdParams, CallParticipantParams, ChatIdParams, StartCallBody, SUBJECT } from '@messenger/contracts';

const HistoryRequest = ChatIdParams.extend(CallHistoryQuery.shape);
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { CallsService } from './calls.service.js';
import { LiveKitWebhooks } from '../livekit/webhooks.js';

const WebhookDelivery = z.strictObject({ body: z.string().max(256 * 1024), authorization: z.string().min(1).max(4096) });

@Controller()
export class CallsController {
  constructor(
    @Inject(CallsService) private readonly calls: CallsService,
    @Inject(LiveKitWebhooks) private readonly webhooks: LiveKitWebhooks,
  ) {}

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

  @MessagePattern(SUBJECT.calls.muteParticipant)
  mute(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CallParticipantParams)) params: z.infer<typeof CallParticipantParams>) {
    return this.calls.moderate(caller.userId, params.callId, params.userId, 'mute');
  }

  @MessagePattern(SUBJECT.calls.removeParticipant)
  remove(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CallParticipantParams)) params: z.infer<typeof CallParticipantParams>) {
    return this.calls.moderate(caller.userId, params.callId, params.userId, 'remove');
  }

  /** From the gateway's /webhooks/livekit only; the signature inside is the authentication. */
  @MessagePattern(SUBJECT.calls.webhook)
  webhook(@Payload(new ZodPipe(WebhookDelivery)) delivery: z.infer<typeof WebhookDelivery>) {
    return this.webhooks.receive(delivery.body, delivery.authorization);
  }
}
