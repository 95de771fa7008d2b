import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.js';
import type { RouteContract } from './route.js';
import { ROUTES } from './routes.js';

type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  responses: Record<string, unknown>;
  security?: unknown[];
};

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument() as unknown as { paths: Record<string, Record<string, Operation>> };

  it.each(ROUTES.map((route: RouteContract) => [route.method, route.path, route] as const))(
    'lists %s %s with its schemas',
    (method, path, route) => {
      const operation = doc.paths[path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[method.toLowerCase()];
      expect(operation).toBeDefined();
      const parameters = operation!.parameters ?? [];
      for (const name of Object.keys(route.params?.shape ?? {}))
        expect(parameters).toContainEqual(expect.objectContaining({ name, in: 'path' }));
      for (const name of Object.keys(route.query?.shape ?? {}))
        expect(parameters).toContainEqual(expect.objectContaining({ name, in: 'query' }));
      if (route.body && 'shape' in route.body) {
        const schema = operation!.requestBody!.content['application/json']!.schema;
        expect(Object.keys(schema.properties ?? {}).sort()).toEqual(Object.keys((route.body as { shape: object }).shape).sort());
      }
      expect(Object.keys(operation!.responses)).toContain(String(route.successStatus ?? 200));
      expect(Boolean(operation!.security)).toBe(route.auth === 'required');
    },
  );
});
