import { OpenAPIRegistry, OpenApiGeneratorV31, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ERROR_STATUS } from './errors.js';
import { ROUTES } from './routes.js';
import type { RouteContract } from './route.js';

extendZodWithOpenApi(z);

const ErrorSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [string, ...string[]]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

const errorResponses = (route: RouteContract) => {
  const statuses = new Set<number>([422, 429, 500, 503, 504]);
  if (route.auth === 'required') statuses.add(401);
  if (route.params) statuses.add(404);
  return Object.fromEntries(
    [...statuses]
      .sort()
      .map((status) => [String(status), { description: `Error (${status})`, content: { 'application/json': { schema: ErrorSchema } } }]),
  );
};

/** The OpenAPI 3.1 document of the public API, generated from ROUTES so it cannot drift from the code. */
export const buildOpenApiDocument = (routes: readonly RouteContract[] = ROUTES) => {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const route of routes) {
    const status = route.successStatus ?? 200;
    registry.registerPath({
      method: route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete',
      path: toOpenApiPath(route.path),
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth === 'required' ? { security: [{ bearer: [] }] } : {}),
      request: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.body ? { body: { content: { 'application/json': { schema: route.body } } } } : {}),
      },
      responses: {
        [String(status)]:
          status === 204
            ? { description: 'Done' }
            : { description: 'Success', content: { 'application/json': { schema: route.response } } },
        ...errorResponses(route),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Messenger API', version: '0.1.0', description: 'Generated from libs/contracts.' },
  });
};
