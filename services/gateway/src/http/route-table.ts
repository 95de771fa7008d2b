import type { RouteContract } from '@messenger/contracts';

export interface RouteMatch {
  route: RouteContract;
  params: Record<string, string>;
}

export type Lookup = { kind: 'found'; match: RouteMatch } | { kind: 'method-not-allowed'; allowed: string[] } | { kind: 'not-found' };

interface CompiledRoute {
  route: RouteContract;
  pattern: RegExp;
  names: string[];
  literalSegments: number;
}

/**
 * Matches a method and path against the contracts' routes. Literal segments win over parameters
 * (`/api/users/me` before `/api/users/:id`), so the order of ROUTES does not matter.
 */
export class RouteTable {
  private readonly routes: CompiledRoute[];

  constructor(routes: readonly RouteContract[]) {
    this.routes = routes
      .map((route) => {
        const names: string[] = [];
        const segments = route.path.split('/').filter(Boolean);
        const source = segments
          .map((segment) => {
            if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            names.push(segment.slice(1));
            return '([^/]+)';
          })
          .join('/');
        return {
          route,
          names,
          pattern: new RegExp(`^/${source}/?$`),
          literalSegments: segments.filter((s) => !s.startsWith(':')).length,
        };
      })
      .sort((a, b) => b.literalSegments - a.literalSegments);
  }

  lookup(method: string, path: string): Lookup {
    const allowed: string[] = [];
    for (const compiled of this.routes) {
      const found = compiled.pattern.exec(path);
      if (!found) continue;
      if (compiled.route.method !== method) {
        allowed.push(compiled.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      compiled.names.forEach((name, i) => {
        params[name] = safeDecode(found[i + 1]!);
      });
      return { kind: 'found', match: { route: compiled.route, params } };
    }
    return allowed.length ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

const safeDecode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};
