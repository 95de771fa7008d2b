import { RpcException } from '@nestjs/microservices';
import type { ErrorCode, FieldIssue, ServiceErrorPayload } from '@messenger/contracts';
import type { z } from 'zod';
import { fieldIssues } from './field-issues.js';

// Without NestJS, for the edge (edge.ts); here too, so services find every error helper in one place.
export { asServiceErrorPayload } from './error-payload.js';
export { fieldIssues };

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

export const validationFailed = (error: z.ZodError, location: FieldIssue['location']) => {
  const fields = fieldIssues(error, location);
  return new ServiceError('VALIDATION_FAILED', `invalid ${fields[0]?.path ?? 'request'}: ${fields[0]?.message ?? ''}`.trim(), {
    fields,
  });
};
