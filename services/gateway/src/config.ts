import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { BaseConfig } from '@messenger/kit/edge';

export const GatewayConfig = BaseConfig.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  GATEWAY_ID: z.string().min(1).default(`gw-${hostname()}-${process.pid}`),
  /** PEM (SPKI) Ed25519 public key that verifies access tokens; or JWT_PUBLIC_KEY_FILE. */
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_PUBLIC_KEY_FILE: z.string().optional(),
  JWT_ISSUER: z.string().default('messenger'),
  JWT_AUDIENCE: z.string().default('messenger'),
  /** Comma-separated browser origins allowed to call the API cross-origin. */
  CORS_ORIGINS: z.string().default(''),
  WEB_DIST: z.string().optional(),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(1024 * 1024),
  WS_MAX_BACKPRESSURE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** Trust X-Forwarded-For from a proxy in front (ingress); otherwise the socket's address is the client. */
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** How often this gateway tells the users service it is alive (presence of its sockets). */
  PRESENCE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(5_000),
  COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export const readPublicKey = (config: GatewayConfig): string => {
  if (config.JWT_PUBLIC_KEY) return config.JWT_PUBLIC_KEY.replace(/\\n/g, '\n');
  if (config.JWT_PUBLIC_KEY_FILE) return readFileSync(config.JWT_PUBLIC_KEY_FILE, 'utf8');
  throw new Error('config error: JWT_PUBLIC_KEY is missing (or set JWT_PUBLIC_KEY_FILE)');
};
