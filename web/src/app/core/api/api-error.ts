import { HttpErrorResponse } from '@angular/common/http';

/** A failed API call as the UI needs it: the contract's stable code, the fields at fault, and when to retry. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { path: string; message: string }[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  static from(error: unknown): ApiError {
    if (error instanceof ApiError) return error;
    if (error instanceof HttpErrorResponse) {
      if (error.status === 0) return new ApiError(0, 'NETWORK', 'no connection');
      const body = error.error as { error?: { code?: string; message?: string; details?: { fields?: { path: string; message: string }[]; retryAfterSeconds?: number } } } | null;
      const details = body?.error?.details;
      return new ApiError(error.status, body?.error?.code ?? 'UNKNOWN', body?.error?.message ?? error.message, details?.fields ?? [], details?.retryAfterSeconds);
    }
    return new ApiError(0, 'UNKNOWN', String(error));
  }
}
