import { z } from 'zod';
import type { RouteContract } from './route.js';

/**
 * The one object a service receives for a route: params, query and body merged into one flat object.
 * Services validate it again with this schema, so a request that skipped the gateway's check is still
 * refused. Object-level rules of the body (e.g. "nothing to update") are checked on the body's keys.
 */
export const serviceRequest = (route: RouteContract): z.ZodType => {
  const shape: z.ZodRawShape = {};
  for (const part of [route.params, route.query]) if (part) Object.assign(shape, part.shape);
  const body = route.body;
  if (body instanceof z.ZodObject) Object.assign(shape, body.shape);
  const merged = z.strictObject(shape);
  if (!(body instanceof z.ZodObject)) return merged;
  const bodyKeys = Object.keys(body.shape);
  return merged.superRefine((value, ctx) => {
    const picked = Object.fromEntries(Object.entries(value).filter(([key]) => bodyKeys.includes(key)));
    const result = body.safeParse(picked);
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
  });
};
