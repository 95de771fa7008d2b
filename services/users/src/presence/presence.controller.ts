import { Controller, Inject } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { GATEWAY_SUBJECT, PresenceQuery, SUBJECT } from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { PresenceService } from './presence.service.js';

const SocketEvent = z.object({ userId: z.string().regex(/^[a-f0-9]{24}$/), gatewayId: z.string().min(1).max(200) });
const Heartbeat = z.object({ gatewayId: z.string().min(1).max(200) });

/** Socket facts come from gateways only (they publish on gateway.*, which no client can reach). */
@Controller()
export class PresenceController {
  constructor(@Inject(PresenceService) private readonly presence: PresenceService) {}

  @EventPattern(GATEWAY_SUBJECT.socketOpened)
  opened(@Payload(new ZodPipe(SocketEvent)) event: z.infer<typeof SocketEvent>) {
    return this.presence.socketOpened(event.userId, event.gatewayId);
  }

  @EventPattern(GATEWAY_SUBJECT.socketClosed)
  closed(@Payload(new ZodPipe(SocketEvent)) event: z.infer<typeof SocketEvent>) {
    return this.presence.socketClosed(event.userId, event.gatewayId);
  }

  @EventPattern(GATEWAY_SUBJECT.heartbeat)
  heartbeat(@Payload(new ZodPipe(Heartbeat)) event: z.infer<typeof Heartbeat>) {
    return this.presence.heartbeat(event.gatewayId);
  }

  @MessagePattern(SUBJECT.users.presence)
  async statuses(@AuthCaller() caller: Caller, @Payload(new ZodPipe(PresenceQuery)) query: z.infer<typeof PresenceQuery>) {
    return { items: await this.presence.statuses(caller.userId, query.ids) };
  }
}
