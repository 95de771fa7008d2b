import { describe, expect, it } from 'vitest';
import { ROUTES } from './routes.js';
import { serviceRequest } from './service-request.js';

const route = (path: string, method: string) => ROUTES.find((r) => r.path === path && r.method === method)!;

describe('serviceRequest', () => {
  it('merges params and body and refuses unknown fields', () => {
    const schema = serviceRequest(route('/api/users/:id', 'GET'));
    expect(schema.safeParse({ id: '0123456789abcdef01234567' }).success).toBe(true);
    expect(schema.safeParse({ id: '0123456789abcdef01234567', extra: 1 }).success).toBe(false);
  });

  it("keeps the body's object-level rules", () => {
    const schema = serviceRequest(route('/api/users/me', 'PATCH'));
    expect(schema.safeParse({ name: 'Ann' }).success).toBe(true);
    const empty = schema.safeParse({});
    expect(empty.success).toBe(false);
    expect(empty.error?.issues[0]?.message).toBe('nothing to update');
  });
});
