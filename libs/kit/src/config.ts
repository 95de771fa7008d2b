import { z } from 'zod';
import { rateLimitsFrom } from '@messenger/contracts';

/** Thrown (and turned into a one-line exit by `loadConfig`) when the environment is not usable. */
export class ConfigError extends Error {}

/**
 * Validates the environment against a schema. A missing or malformed variable stops the process with
 * one line naming it, because a service half-started with a bad URL fails later and less clearly.
 */
export const parseConfig = <S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> => {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.join('.') || '(environment)';
  const value = env[name];
  throw new ConfigError(`config error: ${name} ${value === undefined ? 'is missing' : `is invalid (${issue.message})`}`);
};

export const loadConfig = <S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> => {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
};

/** Variables every service reads. */
export const BaseConfig = z.object({
  NATS_URL: z.string().regex(/^(nats|tls):\/\/[^\s]+$/, 'must be nats://host:port[,nats://...]'),
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Where the probes listen: loopback on a dev machine; 0.0.0.0 in a pod, where the kubelet probes the pod IP. */
  HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  /** JetStream replicas of the streams this service creates: 1 on one NATS server, 3 on a cluster. */
  STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where traces and metrics go over OTLP/HTTP; unset, spans still carry ids into logs and /metrics still answers. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Read by the OpenTelemetry SDK itself; validated here so a typo stops the process instead of sampling everything. */
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  /** How often metrics are pushed over OTLP (Prometheus pulls /metrics whenever it likes). */
  OTEL_METRIC_EXPORT_INTERVAL: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
  NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** Overrides of the route rate limits, "name=points/seconds,..." (libs/contracts rate-limits.ts lists them). */
  RATE_LIMITS: z
    .string()
    .optional()
    .refine(
      (value) => {
        try {
          rateLimitsFrom(value);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be name=points/seconds, comma-joined, with known names' },
    ),
});
export type BaseConfig = z.infer<typeof BaseConfig>;
