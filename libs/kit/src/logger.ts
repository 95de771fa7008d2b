import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';
import { requestContext } from './request-context.js';

export type { Logger } from 'pino';

/**
 * Structured JSON logs. Every line carries the service name and, inside a traced operation, the
 * trace and span ids, so a log line can be found from a trace and the other way round.
 */
export const createLogger = (service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger =>
  pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['password', '*.password', 'refreshToken', '*.refreshToken', 'accessToken', '*.accessToken'], censor: '[redacted]' },
    mixin() {
      const fields: Record<string, string> = {};
      const request = requestContext.getStore();
      if (request?.requestId) fields.request_id = request.requestId;
      const span = trace.getActiveSpan();
      if (span) {
        const { traceId, spanId } = span.spanContext();
        fields.trace_id = traceId;
        fields.span_id = spanId;
      }
      return fields;
    },
  });
