import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import { AddMembersBody, ChatIdParams, MemberParams, SUBJECT, TransferOwnerBody, UpdateMemberBody } from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { ChatsService } from '../chats/chats.service.js';
import { MembersService } from './members.service.js';

const AddRequest = ChatIdParams.extend(AddMembersBody.shape);
const UpdateRequest = MemberParams.extend(UpdateMemberBody.shape);
const TransferRequest = ChatIdParams.extend(TransferOwnerBody.shape);

@Controller()
export class MembersController {
  constructor(
    @Inject(MembersService) private readonly members: MembersService,
    @Inject(ChatsService) private readonly chats: ChatsService,
  ) {}

  @MessagePattern(SUBJECT.groups.addMembers)
  async add(@AuthCaller() caller: Caller, @Payload(new ZodPipe(AddRequest)) request: z.infer<typeof AddRequest>) {
    return this.chats.view(await this.members.add(caller.userId, request.chatId, request.userIds), caller.userId);
  }

  @MessagePattern(SUBJECT.groups.removeMember)
  async remove(@AuthCaller() caller: Caller, @Payload(new ZodPipe(MemberParams)) params: z.infer<typeof MemberParams>) {
    await this.members.remove(caller.userId, params.chatId, params.userId);
    return {};
  }

  @MessagePattern(SUBJECT.groups.updateMember)
  async update(@AuthCaller() caller: Caller, @Payload(new ZodPipe(UpdateRequest)) request: z.infer<typeof UpdateRequest>) {
    const { chatId, userId, ...changes } = request;
    if (changes.role === undefined && changes.permissions === undefined && changes.ringMuted === undefined && changes.muteFor === undefined)
      return this.chats.get(caller.userId, chatId);
    return this.chats.view(await this.members.update(caller.userId, chatId, userId, changes), caller.userId);
  }

  @MessagePattern(SUBJECT.groups.transferOwner)
  async transfer(@AuthCaller() caller: Caller, @Payload(new ZodPipe(TransferRequest)) request: z.infer<typeof TransferRequest>) {
    return this.chats.view(await this.members.transferOwnership(caller.userId, request.chatId, request.userId), caller.userId);
  }
}
