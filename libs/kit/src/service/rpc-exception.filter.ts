import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { trace, SpanStatusCode } from '@opentelemetry/api';
import { throwError, type Observable } from 'rxjs';
import { z } from 'zod';
import type { ServiceErrorPayload } from '@messenger/contracts';
import { ServiceError, validationFailed } from '../errors.js';
import { sharedInstruments } from '../metrics.js';
import type { Logger } from 'pino';

/**
 * Turns whatever a handler throws into a service error payload. Expected errors keep their code;
 * anything else is logged with its stack and leaves as INTERNAL without internals in the message.
 */
@Catch()
export class ServiceExceptionFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown): Observable<ServiceErrorPayload> {
    let payload: ServiceErrorPayload;
    if (exception instanceof ServiceError) payload = exception.payload;
    else if (exception instanceof z.ZodError) payload = validationFailed(exception, 'body').payload;
    else {
      this.logger.error({ err: exception }, 'unhandled error in handler');
      payload = { code: 'INTERNAL', message: 'internal error' };
    }
    sharedInstruments().errors.add(1, { code: payload.code });
    const span = trace.getActiveSpan();
    span?.setAttribute('messenger.error_code', payload.code);
    if (payload.code === 'INTERNAL') span?.setStatus({ code: SpanStatusCode.ERROR, message: payload.message });
    return throwError(() => payload);
  }
}
