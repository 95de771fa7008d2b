import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { HEADER } from '@messenger/contracts';
import { ServiceError } from '../errors.js';

/** Everything the gateway vouches for about the caller. */
export interface Caller {
  userId: string;
  clientIp?: string;
}

const headersOf = (ctx: ExecutionContext) =>
  ctx.switchToRpc().getContext<NatsContext>().getHeaders() as { get(key: string): string } | undefined;

/**
 * The verified caller, from the header only the gateway sets after checking the access token.
 * Never read identity from a payload: a client controls the payload.
 */
export const AuthCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const headers = headersOf(ctx);
  const userId = headers?.get(HEADER.CALLER_ID);
  if (!userId) throw new ServiceError('UNAUTHENTICATED', 'this action needs a signed-in user');
  const clientIp = headers?.get(HEADER.CLIENT_IP) || undefined;
  return clientIp ? { userId, clientIp } : { userId };
});

/** Client address for anonymous routes (login throttling), as seen by the gateway. */
export const ClientIp = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined => headersOf(ctx)?.get(HEADER.CLIENT_IP) || undefined,
);
