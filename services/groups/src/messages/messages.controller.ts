import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import {
  ChatIdParams,
  EditMessageBody,
  HistoryQuery,
  messageContent,
  MessageParams,
  ReactionParams,
  ReadBody,
  SearchQuery,
  SendMessageFields,
  SUBJECT,
} from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { MessageChangesService } from './message-changes.service.js';
import { MessageSearchService } from './message-search.service.js';
import { MessagesService } from './messages.service.js';

const SendRequest = ChatIdParams.extend(SendMessageFields.shape).superRefine(messageContent);
const HistoryRequest = ChatIdParams.extend(HistoryQuery.shape);
const ReadRequest = ChatIdParams.extend(ReadBody.shape);
const EditRequest = MessageParams.extend(EditMessageBody.shape);
const SearchRequest = ChatIdParams.extend(SearchQuery.shape);

@Controller()
export class MessagesController {
  constructor(
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(MessageChangesService) private readonly changes: MessageChangesService,
    @Inject(MessageSearchService) private readonly searching: MessageSearchService,
  ) {}

  @MessagePattern(SUBJECT.groups.sendMessage)
  send(@AuthCaller() caller: Caller, @Payload(new ZodPipe(SendRequest)) request: z.infer<typeof SendRequest>) {
    return this.messages.send(caller.userId, request.chatId, {
      text: request.text,
      ...(request.clientId ? { clientId: request.clientId } : {}),
      ...(request.replyToId ? { replyToId: request.replyToId } : {}),
      ...(request.attachmentIds ? { attachmentIds: request.attachmentIds } : {}),
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

  @MessagePattern(SUBJECT.groups.editMessage)
  edit(@AuthCaller() caller: Caller, @Payload(new ZodPipe(EditRequest)) request: z.infer<typeof EditRequest>) {
    return this.changes.edit(caller.userId, request.chatId, request.messageId, request.text);
  }

  @MessagePattern(SUBJECT.groups.deleteMessage)
  async delete(@AuthCaller() caller: Caller, @Payload(new ZodPipe(MessageParams)) request: z.infer<typeof MessageParams>) {
    await this.changes.delete(caller.userId, request.chatId, request.messageId);
    return {};
  }

  @MessagePattern(SUBJECT.groups.react)
  react(@AuthCaller() caller: Caller, @Payload(new ZodPipe(ReactionParams)) request: z.infer<typeof ReactionParams>) {
    return this.changes.react(caller.userId, request.chatId, request.messageId, request.emoji);
  }

  @MessagePattern(SUBJECT.groups.unreact)
  unreact(@AuthCaller() caller: Caller, @Payload(new ZodPipe(ReactionParams)) request: z.infer<typeof ReactionParams>) {
    return this.changes.unreact(caller.userId, request.chatId, request.messageId, request.emoji);
  }

  @MessagePattern(SUBJECT.groups.search)
  search(@AuthCaller() caller: Caller, @Payload(new ZodPipe(SearchRequest)) request: z.infer<typeof SearchRequest>) {
    return this.searching.search(caller.userId, request.chatId, request);
  }
}
