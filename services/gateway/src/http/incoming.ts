import type { HttpRequest, HttpResponse } from 'uWebSockets.js';

/**
 * What the gateway needs from a request, copied out at once: a uWS request object is only valid
 * until its handler first returns, and most of the work here is async.
 */
export interface Incoming {
  method: string;
  path: string;
  query: string;
  authorization: string;
  contentType: string;
  contentLength: number | undefined;
  origin: string;
  cookie: string;
  requestId: string;
  traceparent: string;
  tracestate: string;
  clientIp: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export const readIncoming = (res: HttpResponse, req: HttpRequest, trustProxy: boolean): Incoming => {
  const lengthHeader = req.getHeader('content-length');
  const forwardedFor = trustProxy ? req.getHeader('x-forwarded-for').split(',')[0]?.trim() : '';
  const givenId = req.getHeader('x-request-id');
  return {
    method: req.getCaseSensitiveMethod().toUpperCase(),
    path: req.getUrl(),
    query: req.getQuery() ?? '',
    authorization: req.getHeader('authorization'),
    contentType: req.getHeader('content-type'),
    contentLength: lengthHeader === '' ? undefined : Number(lengthHeader),
    origin: req.getHeader('origin'),
    cookie: req.getHeader('cookie'),
    requestId: REQUEST_ID.test(givenId) ? givenId : crypto.randomUUID(),
    traceparent: req.getHeader('traceparent'),
    tracestate: req.getHeader('tracestate'),
    clientIp: forwardedFor || Buffer.from(res.getRemoteAddressAsText()).toString(),
  };
};
