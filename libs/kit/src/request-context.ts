import { AsyncLocalStorage } from 'node:async_hooks';

/** What is known about the request being handled, available anywhere below the handler. */
export interface RequestContext {
  requestId?: string;
  callerId?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
