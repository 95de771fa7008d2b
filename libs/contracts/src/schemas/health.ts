import { z } from 'zod';

export const ServiceHealth = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.record(z.string(), z.enum(['ok', 'down'])),
});
export type ServiceHealth = z.infer<typeof ServiceHealth>;

export const GatewayHealth = z.object({
  status: z.enum(['ok', 'degraded']),
  gateway: z.object({ id: z.string(), connections: z.number().int() }),
  services: z.record(z.string(), z.union([ServiceHealth, z.object({ status: z.literal('down'), reason: z.string() })])),
});
