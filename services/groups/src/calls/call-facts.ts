import { EVENT, type EventPayload } from '@messenger/contracts';
import type { ChatState } from '../chats/chat-state.js';
import type { ChatsService } from '../chats/chats.service.js';
import type { MessagesService } from '../messages/messages.service.js';

type CallFact = typeof EVENT.callStarted | typeof EVENT.callEnded;

/**
 * Turns the calls service's facts into the chat: the live-call mark on the chat list, and one line
 * per call ("Video call · 12:34", "Missed call"), which clients render from `system.details`.
 * JetStream may deliver a fact twice; the line's dedupe key makes the second one a no-op.
 */
export class CallFacts {
  constructor(
    private readonly state: ChatState,
    private readonly chatsService: ChatsService,
    private readonly messaging: MessagesService,
  ) {}

  async handle(subject: CallFact, payload: EventPayload<CallFact>): Promise<void> {
    const { call } = payload;
    if (subject === EVENT.callStarted) {
      await this.state.change(call.chatId, (chat) =>
        chat && chat.liveCallId !== call.id
          ? { set: { liveCallId: call.id }, after: (updated) => this.chatsService.pushView(updated, 'chat.updated') }
          : { nothing: true },
      );
      return;
    }
    const { durationSeconds } = payload as EventPayload<typeof EVENT.callEnded>;
    // Clearing only clears this call, so a late "ended" cannot hide a newer one.
    let cleared = false;
    const chat = await this.state.change(call.chatId, (current) =>
      current && current.liveCallId === call.id
        ? {
            set: { liveCallId: null },
            after: async () => {
              cleared = true;
            },
          }
        : { nothing: true },
    );
    if (!chat) return; // the chat was deleted meanwhile
    await this.messaging.appendSystem(
      chat,
      {
        kind: 'call.ended',
        actorId: call.initiatorId,
        targetIds: [],
        details: { callId: call.id, type: call.type, durationSeconds, endReason: call.endReason },
      },
      '',
      `call:${call.id}`,
    );
    if (cleared) await this.chatsService.pushView(chat, 'chat.updated');
  }
}
