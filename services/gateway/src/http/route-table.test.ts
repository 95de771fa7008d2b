import { describe, expect, it } from 'vitest';
import { ROUTES } from '@messenger/contracts';
import { RouteTable } from './route-table.js';

describe('RouteTable', () => {
  const table = new RouteTable(ROUTES);

  it.each([
    ['GET', '/api/users/me', '/api/users/me', {}],
    ['PATCH', '/api/users/me', '/api/users/me', {}],
    ['GET', '/api/users/0123456789abcdef01234567', '/api/users/:id', { id: '0123456789abcdef01234567' }],
    ['POST', '/api/auth/login/', '/api/auth/login', {}],
  ])('%s %s matches %s', (method, path, expected, params) => {
    const found = table.lookup(method, path);
    expect(found.kind).toBe('found');
    if (found.kind !== 'found') return;
    expect(found.match.route.path).toBe(expected);
    expect(found.match.params).toEqual(params);
  });

  it('prefers a literal segment over a parameter whatever the order of routes', () => {
    const reversed = new RouteTable([...ROUTES].reverse());
    const found = reversed.lookup('GET', '/api/users/me');
    expect(found.kind === 'found' && found.match.route.path).toBe('/api/users/me');
  });

  it('tells an unknown path from a known path with the wrong method', () => {
    expect(table.lookup('GET', '/api/nope')).toEqual({ kind: 'not-found' });
    expect(table.lookup('DELETE', '/api/auth/login')).toEqual({ kind: 'method-not-allowed', allowed: ['POST'] });
  });

  it('does not let a parameter span segments', () => {
    expect(table.lookup('GET', '/api/users/a/b').kind).toBe('not-found');
  });
});
