import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import { ChatIdParams, HistoryQuery, ReadBody, SendMessageBody, SUBJECT } from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { MessagesService } from './messages.service.js';

const SendRequest = ChatIdParams.extend(SendMessageBody.shape);
const HistoryRequest = ChatIdParams.extend(HistoryQuery.shape);
const ReadRequest = ChatIdParams.extend(ReadBody.shape);

@Controller()
export class MessagesController {
  constructor(@Inject(MessagesService) private readonly messages: MessagesService) {}

  @MessagePattern(SUBJECT.groups.sendMessage)
  send(@AuthCaller() caller: Caller, @Payload(new ZodPipe(SendRequest)) request: z.infer<typeof SendRequest>) {
    return this.messages.send(caller.userId, request.chatId, {
      text: request.text,
      ...(request.clientId ? { clientId: request.clientId } : {}),
    });
  }

  @MessagePattern(SUBJECT.groups.history)
  history(@AuthCaller() caller: Caller, @Payload(new ZodPipe(HistoryRequest)) request: z.infer<typeof HistoryRequest>) {
    return this.messages.history(caller.userId, request.chatId, request);
  }

  @MessagePattern(SUBJECT.groups.read)
  read(@AuthCaller() caller: Caller, @Payload(new ZodPipe(ReadRequest)) request: z.infer<typeof ReadRequest>) {
    return this.messages.read(caller.userId, request.chatId, request.messageId);
  }
}
