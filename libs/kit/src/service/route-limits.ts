import { type CallHandler, type ExecutionContext, type NestInterceptor, type Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { NatsContext } from '@nestjs/microservices';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { from, switchMap, type Observable } from 'rxjs';
import { HEADER, rateLimitsFrom, ROUTES, type RateLimit, type RateLimitName, type RouteContract } from '@messenger/contracts';
import { ServiceError } from '../errors.js';

interface Counted {
  name: RateLimitName;
  limit: RateLimit;
  limiter: RateLimiterRedis;
}

/**
 * Enforces each route's rate limit (its contract's `limit`) before the handler runs, counted in Redis with
 * rate-limiter-flexible so every replica shares one count. Over the limit: RATE_LIMITED (429) with the seconds
 * to wait, which the gateway sends as Retry-After. While Redis is unreachable each replica counts on its own
 * (the library's insurance limiter) rather than letting everything through or refusing everything.
 */
export class RouteLimits implements NestInterceptor {
  private readonly bySubject = new Map<string, Counted>();

  constructor(redis: Redis, overrides: string | undefined, routes: readonly RouteContract[] = ROUTES) {
    const limits = rateLimitsFrom(overrides);
    const limiters = new Map<RateLimitName, RateLimiterRedis>();
    for (const route of routes) {
      if (!route.limit) continue;
      const limit = limits[route.limit];
      let limiter = limiters.get(route.limit);
      if (!limiter) {
        const options = { points: limit.points, duration: limit.seconds, keyPrefix: `limit:${route.limit}` };
        limiter = new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) });
        limiters.set(route.limit, limiter);
      }
      this.bySubject.set(route.subject, { name: route.limit, limit, limiter });
    }
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const nats = context.switchToRpc().getContext<NatsContext>();
    const counted = this.bySubject.get(nats.getSubject());
    if (!counted) return next.handle();
    const headers = nats.getHeaders() as { get(key: string): string } | undefined;
    const key = headers?.get(counted.limit.by === 'user' ? HEADER.CALLER_ID : HEADER.CLIENT_IP);
    // No caller or address: a request that did not come through the gateway, or an anonymous call to a
    // signed-in route, which the handler refuses by itself.
    if (!key) return next.handle();
    return from(this.consume(counted, key)).pipe(switchMap(() => next.handle()));
  }

  private async consume(counted: Counted, key: string): Promise<void> {
    try {
      await counted.limiter.consume(key);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      throw new ServiceError('RATE_LIMITED', `too many requests of this kind (${counted.name}); wait a little`, {
        retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)),
        limit: counted.name,
      });
    }
  }
}

/** The provider a service module adds so its routes' limits apply to every handler. */
export const routeLimitsProvider = (redis: Redis, overrides: string | undefined): Provider => ({
  provide: APP_INTERCEPTOR,
  useValue: new RouteLimits(redis, overrides),
});
