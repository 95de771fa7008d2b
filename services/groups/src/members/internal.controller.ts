import { Controller, Inject } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { Id, MembershipRequest, SERVICE_QUESTIONS, SUBJECT, type Membership } from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { plainCallSettings, plainPermissions } from '../chats/chat-record.js';
import { ChatState } from '../chats/chat-state.js';
import { MembershipIndex } from '../chats/membership-index.js';
import { Pushes } from '../realtime/pushes.js';

const ContactsRequest = SERVICE_QUESTIONS[SUBJECT.groups.contacts].request;
const Typing = z.strictObject({ chatId: Id });

/** Questions other services ask over NATS (answered from the cache and Redis); none is routed from the edge. */
@Controller()
export class InternalController {
  constructor(
    @Inject(ChatState) private readonly state: ChatState,
    @Inject(MembershipIndex) private readonly index: MembershipIndex,
    @Inject(Pushes) private readonly pushes: Pushes,
  ) {}

  @MessagePattern(SUBJECT.groups.membership)
  async membership(@Payload(new ZodPipe(MembershipRequest)) request: z.infer<typeof MembershipRequest>): Promise<Membership> {
    const { chat, me } = await this.state.access(request.chatId, request.userId);
    return {
      chatId: request.chatId,
      chatType: chat.type,
      chatName: chat.name,
      role: me.role,
      permissions: plainPermissions(me.permissions),
      callSettings: plainCallSettings(chat.callSettings),
      memberIds: chat.participants.map((p) => p.user),
      adminIds: chat.participants.filter((p) => p.role !== 'member').map((p) => p.user),
      ringMutedIds: chat.participants.filter((p) => p.ringMuted).map((p) => p.user),
    };
  }

  @MessagePattern(SUBJECT.groups.contacts)
  async contacts(@Payload(new ZodPipe(ContactsRequest)) request: z.infer<typeof ContactsRequest>) {
    return { contacts: Object.fromEntries(await this.index.contactsOfMany(request.userIds)) };
  }

  /** From a gateway, with the typist's id in the header it sets; relayed to the chat's other members. */
  @EventPattern(SUBJECT.groups.typing)
  // Nest types event handlers' extra parameters as unknown; AuthCaller does produce a Caller.
  async typing(@Payload(new ZodPipe(Typing)) event: z.infer<typeof Typing>, @AuthCaller() caller: unknown) {
    const { userId } = caller as Caller;
    try {
      const { chat } = await this.state.access(event.chatId, userId);
      this.pushes.send(
        chat.participants.map((p) => p.user).filter((id) => id !== userId),
        'typing',
        { chatId: event.chatId, userId },
      );
    } catch {
      // not a member: typing into a chat you are not in is dropped silently
    }
  }
}
