import type { HttpInterceptorFn } from '@angular/common/http';

const hex = (bytes: number): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

/** A W3C traceparent for one request: a fresh trace whose root is this browser call, sampled. */
export const newTraceparent = (): string => `00-${hex(16)}-${hex(8)}-01`;

/**
 * Starts each API call's trace in the browser: the gateway continues it through NATS, the services
 * and their stores, so one id finds the whole request (and its log lines) in the trace viewer.
 */
export const traceInterceptor: HttpInterceptorFn = (request, next) =>
  request.url.startsWith('/api/') && !request.headers.has('traceparent')
    ? next(request.clone({ setHeaders: { traceparent: newTraceparent() } }))
    : next(request);
