import { describe, expect, it } from 'vitest';
import { ATTACHMENT_MAX_BYTES, ROUTES, SUBJECT, type RouteContract } from '@messenger/contracts';
import { describeLimit, FileRoutes, FileRoutesConfig, MOST_A_FILE_MAY_WEIGH } from './file-routes.js';

const route = (subject: string) => ROUTES.find((r) => r.subject === subject) as RouteContract & { upload: { maxBytes: number } };
const attachmentUpload = route(SUBJECT.groups.uploadAttachment);
const avatarUpload = ROUTES.find((r) => 'upload' in r && r.subject !== SUBJECT.groups.uploadAttachment) as RouteContract & {
  upload: { maxBytes: number };
};
const files = (env: NodeJS.ProcessEnv = {}) => new FileRoutes(FileRoutesConfig.parse(env));

describe('file routes at the gateway', () => {
  it('take the attachment limit from ATTACHMENT_MAX_BYTES (25 MiB unless set), and other uploads from their contract', () => {
    expect(files().maxBytes(attachmentUpload)).toBe(ATTACHMENT_MAX_BYTES);
    expect(files({ ATTACHMENT_MAX_BYTES: '1048576' }).maxBytes(attachmentUpload)).toBe(1_048_576);
    expect(files({ ATTACHMENT_MAX_BYTES: '1048576' }).maxBytes(avatarUpload)).toBe(avatarUpload.upload.maxBytes);
  });

  it('refuse a limit NATS could not carry base64-encoded under its 48 MB max_payload', () => {
    expect(FileRoutesConfig.safeParse({ ATTACHMENT_MAX_BYTES: String(MOST_A_FILE_MAY_WEIGH + 1) }).success).toBe(false);
    expect(Math.ceil((MOST_A_FILE_MAY_WEIGH * 4) / 3) + 4096).toBeLessThan(48 * 1024 * 1024);
  });

  it('tell the service what type the client claimed for attachments only (avatar schemas take no such field)', () => {
    expect(files().declaredTypeField(attachmentUpload)).toBe('contentType');
    expect(files().declaredTypeField(avatarUpload)).toBeUndefined();
  });

  it('give uploads and downloads a longer wait than JSON requests', () => {
    expect(files().timeoutMs(attachmentUpload, 5_000)).toBe(60_000);
    expect(files().timeoutMs(route(SUBJECT.groups.attachment), 5_000)).toBe(60_000);
    expect(files().timeoutMs(route(SUBJECT.groups.sendMessage), 5_000)).toBe(5_000);
  });

  it('name a limit in MiB and in bytes', () => {
    expect(describeLimit(25 * 1024 * 1024)).toBe('25 MiB (26214400 bytes)');
    expect(describeLimit(1_500_000)).toBe('1.4 MiB (1500000 bytes)');
    expect(describeLimit(2048)).toBe('2048 bytes');
  });
});
