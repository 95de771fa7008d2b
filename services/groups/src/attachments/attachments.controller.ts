import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import { AttachmentParams, AttachmentQuery, AttachmentUpload, SUBJECT } from '@messenger/contracts';
import { AuthCaller, ZodPipe, type Caller } from '@messenger/kit';
import { AttachmentsService } from './attachments.service.js';

const AttachmentRequest = AttachmentParams.extend(AttachmentQuery.shape);
type AttachmentRequest = z.infer<typeof AttachmentRequest>;

@Controller()
export class AttachmentsController {
  constructor(@Inject(AttachmentsService) private readonly attachments: AttachmentsService) {}

  /** The route's 'attachment' rate limit is counted before this runs (RouteLimits, by subject). */
  @MessagePattern(SUBJECT.groups.uploadAttachment)
  upload(@AuthCaller() caller: Caller, @Payload(new ZodPipe(AttachmentUpload)) body: z.infer<typeof AttachmentUpload>) {
    return this.attachments.upload(caller.userId, body.chatId, {
      fileBase64: body.file,
      filename: body.filename,
      ...(body.contentType !== undefined ? { contentType: body.contentType } : {}),
    });
  }

  /** Public route: the signature in the URL is the permission. */
  @MessagePattern(SUBJECT.groups.attachment)
  download(@Payload(new ZodPipe(AttachmentRequest)) request: AttachmentRequest) {
    return this.attachments.download(request.chatId, request.attachmentId, request.exp, request.sig);
  }

  /** Public route: the signature in the URL is the permission. */
  @MessagePattern(SUBJECT.groups.attachmentThumbnail)
  thumbnail(@Payload(new ZodPipe(AttachmentRequest)) request: AttachmentRequest) {
    return this.attachments.thumbnail(request.chatId, request.attachmentId, request.exp, request.sig);
  }
}
