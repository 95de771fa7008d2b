import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { CallIdParams, CallParticipantParams, SUBJECT } from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { CallHands } from './call-hands.js';
import { CallModeration } from './call-moderation.js';

type Participant = z.infer<typeof CallParticipantParams>;

/** What people do to one another in a call, and to their own hand. */
@Controller()
export class ModerationController {
  constructor(
    @Inject(CallModeration) private readonly moderation: CallModeration,
    @Inject(CallHands) private readonly hands: CallHands,
  ) {}

  @MessagePattern(SUBJECT.calls.muteParticipant)
  mute(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CallParticipantParams)) params: Participant) {
    return this.moderation.mute(caller.userId, params.callId, params.userId);
  }

  @MessagePattern(SUBJECT.calls.removeParticipant)
  remove(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CallParticipantParams)) params: Participant) {
    return this.moderation.remove(caller.userId, params.callId, params.userId);
  }

  @MessagePattern(SUBJECT.calls.lowerParticipantHand)
  lowerTheirHand(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CallParticipantParams)) params: Participant) {
    return this.moderation.lowerHand(caller.userId, params.callId, params.userId);
  }

  @MessagePattern(SUBJECT.calls.ringParticipant)
  ring(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CallParticipantParams)) params: Participant) {
    return this.moderation.ring(caller.userId, params.callId, params.userId);
  }

  @MessagePattern(SUBJECT.calls.raiseHand)
  raiseHand(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CallIdParams)) params: z.infer<typeof CallIdParams>) {
    return this.hands.raise(caller.userId, params.callId);
  }

  @MessagePattern(SUBJECT.calls.lowerHand)
  lowerHand(@AuthCaller() caller: Caller, @Payload(new ZodPipe(CallIdParams)) params: z.infer<typeof CallIdParams>) {
    return this.hands.lower(caller.userId, params.callId);
  }
}
