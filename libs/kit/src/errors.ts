import { RpcException } from '@nestjs/microservices';
import { isErrorCode, type ErrorCode, type FieldIssue, type ServiceErrorPayload } from '@messenger/contracts';
import type { z } from 'zod';

/**
 * The only error a service handler should throw for an expected outcome: a stable code from the
 * contracts, which the gateway maps to an HTTP status. Anything else reaches the caller as INTERNAL.
 */
export class ServiceError extends RpcException {
  readonly payload: ServiceErrorPayload;
  constructor(code: ErrorCode, message: string, details?: ServiceErrorPayload['details']) {
    const payload: ServiceErrorPayload = details === undefined ? { code, message } : { code, message, details };
    super(payload);
    this.payload = payload;
  }
}

export const notFound = (what: string) => new ServiceError('NOT_FOUND', `${what} not found`);

export const fieldIssues = (error: z.ZodError, location: FieldIssue['location']): FieldIssue[] =>
  error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    location,
    message: issue.message,
  }));

export const validationFailed = (error: z.ZodError, location: FieldIssue['location']) => {
  const fields = fieldIssues(error, location);
  return new ServiceError('VALIDATION_FAILED', `invalid ${fields[0]?.path ?? 'request'}: ${fields[0]?.message ?? ''}`.trim(), {
    fields,
  });
};

/** Reads a service error payload back from a reply, refusing anything that is not one. */
export const asServiceErrorPayload = (value: unknown): ServiceErrorPayload | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as Partial<ServiceErrorPayload>;
  return isErrorCode(candidate.code) && typeof candidate.message === 'string' ? (candidate as ServiceErrorPayload) : undefined;
};
