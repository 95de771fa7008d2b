import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { SUBJECT } from '@messenger/contracts';
import { ZodPipe } from '@messenger/kit';
import { LiveKitWebhooks } from './webhooks.js';

const WebhookDelivery = z.strictObject({ body: z.string().max(256 * 1024), authorization: z.string().min(1).max(4096) });

@Controller()
export class WebhooksController {
  constructor(@Inject(LiveKitWebhooks) private readonly webhooks: LiveKitWebhooks) {}

  /** From the gateway's /webhooks/livekit only; the signature inside is the authentication. */
  @MessagePattern(SUBJECT.calls.webhook)
  webhook(@Payload(new ZodPipe(WebhookDelivery)) delivery: z.infer<typeof WebhookDelivery>) {
    return this.webhooks.receive(delivery.body, delivery.authorization);
  }
}
