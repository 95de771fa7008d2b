import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One public HTTP route: the gateway forwards it to `subject` after checking `auth` and validating
 * params, query and body with these schemas; the OpenAPI document is generated from the same objects.
 * The service receives one object merging params, query and body (see `serviceRequest`).
 */
export interface RouteContract {
  method: HttpMethod;
  path: `/api/${string}`;
  subject: string;
  summary: string;
  tag: string;
  auth: 'required' | 'none';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  successStatus?: 200 | 201 | 204;
  /** Refresh-token cookie handling done by the gateway, so services never see HTTP. */
  refreshCookie?: 'read' | 'set' | 'read-and-set' | 'read-and-clear';
}

export const defineRoute = <R extends RouteContract>(route: R): R => route;
