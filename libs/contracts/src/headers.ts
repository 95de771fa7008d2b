/**
 * NATS header names the gateway sets on every request it forwards. Services take the caller's identity
 * only from CALLER_ID, which only the gateway writes after verifying the access token.
 */
export const HEADER = {
  CALLER_ID: 'x-caller-id',
  REQUEST_ID: 'x-request-id',
  CLIENT_IP: 'x-client-ip',
  TRACEPARENT: 'traceparent',
  TRACESTATE: 'tracestate',
} as const;
