/**
 * Stable error codes and the HTTP status each maps to. Services throw these codes; only the gateway
 * turns them into HTTP statuses, so a service never needs to know it is behind HTTP.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  INVALID_CREDENTIALS: 401,
  REFRESH_TOKEN_INVALID: 401,
  FORBIDDEN: 403,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  USERNAME_TAKEN: 409,
  GROUP_FULL: 409,
  /** Ringing someone who is in the call already. */
  ALREADY_IN_CALL: 409,
  /** Ringing someone who asked not to be rung in this chat. */
  RING_MUTED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  UNPROCESSABLE_IMAGE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
  SERVICE_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);

/** One field at fault in a request; `path` is dotted (`participants.0.role`), `location` says where it came from. */
export interface FieldIssue {
  path: string;
  location: 'body' | 'query' | 'params' | 'headers';
  message: string;
}

/** What a service returns instead of a response, and what the gateway wraps as `{error: ...}`. */
export interface ServiceErrorPayload {
  code: ErrorCode;
  message: string;
  details?: { fields?: FieldIssue[]; retryAfterSeconds?: number; [key: string]: unknown };
}

export interface ErrorBody {
  error: ServiceErrorPayload;
}

export const errorBody = (code: ErrorCode, message: string, details?: ServiceErrorPayload['details']): ErrorBody => ({
  error: details === undefined ? { code, message } : { code, message, details },
});
