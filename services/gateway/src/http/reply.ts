import type { HttpResponse } from 'uWebSockets.js';
import { ERROR_STATUS, errorBody, type ErrorCode, type ServiceErrorPayload } from '@messenger/contracts';

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  201: '201 Created',
  204: '204 No Content',
  304: '304 Not Modified',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  409: '409 Conflict',
  413: '413 Payload Too Large',
  415: '415 Unsupported Media Type',
  422: '422 Unprocessable Entity',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
  504: '504 Gateway Timeout',
};

export const statusLine = (status: number): string => STATUS_TEXT[status] ?? `${status} Status`;

/**
 * A uWS response that remembers whether the client went away. uWS responses must not be touched
 * after an abort, and writes from async code must be corked; this keeps both rules in one place.
 */
export class Reply {
  private aborted = false;
  private done = false;
  /** The status sent, or 0 while none has been. */
  status = 0;
  readonly headers: [string, string][] = [];
  /** The stable error code sent, if the answer was an error. */
  errorCode: string | undefined;

  constructor(private readonly res: HttpResponse) {
    res.onAborted(() => {
      this.aborted = true;
    });
  }

  get isOpen(): boolean {
    return !this.aborted && !this.done;
  }

  header(name: string, value: string): this {
    this.headers.push([name, value]);
    return this;
  }

  send(status: number, body: string | Uint8Array | undefined, contentType?: string): void {
    if (!this.isOpen) return;
    this.done = true;
    this.status = status;
    this.res.cork(() => {
      this.res.writeStatus(statusLine(status));
      if (contentType) this.res.writeHeader('content-type', contentType);
      for (const [name, value] of this.headers) this.res.writeHeader(name, value);
      if (body === undefined) this.res.endWithoutBody(0);
      else this.res.end(body);
    });
  }

  json(status: number, body: unknown): void {
    this.send(status, JSON.stringify(body), 'application/json; charset=utf-8');
  }

  error(error: ServiceErrorPayload): void {
    if (this.isOpen) this.errorCode = error.code;
    if (error.details?.retryAfterSeconds !== undefined) this.header('retry-after', String(Math.ceil(error.details.retryAfterSeconds)));
    this.json(ERROR_STATUS[error.code], errorBody(error.code, error.message, error.details));
  }

  fail(code: ErrorCode, message: string, details?: ServiceErrorPayload['details']): void {
    this.error(details === undefined ? { code, message } : { code, message, details });
  }

  get raw(): HttpResponse {
    return this.res;
  }
}
