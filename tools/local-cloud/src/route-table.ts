import type { HttpMethod } from '@shop/platform';

export interface RouteSpec {
  method: HttpMethod;
  /** `/products/{id}`; a last segment `{name+}` takes the rest of the path. */
  path: string;
}

export type RouteLookup<R extends RouteSpec> =
  | { kind: 'matched'; route: R; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: HttpMethod[] }
  | { kind: 'not-found' };

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

interface CompiledRoute<R> {
  route: R;
  segments: Segment[];
}

const METHOD_ORDER: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const SPECIFICITY: Record<Segment['kind'], number> = { literal: 0, param: 1, greedy: 2 };

/**
 * Route selection as API Gateway HTTP APIs do it: among the routes for the method, the most
 * specific one wins, comparing segment by segment (a literal beats `{param}`, which beats
 * `{proxy+}`). Path parameters come out decoded.
 */
export class RouteTable<R extends RouteSpec> {
  private readonly routes: CompiledRoute<R>[];

  constructor(routes: readonly R[]) {
    this.routes = routes.map((route) => ({ route, segments: parsePath(route.path) })).sort(bySpecificity);
    const seen = new Set<string>();
    for (const { route, segments } of this.routes) {
      const shape = `${route.method} ${segments.map((s) => (s.kind === 'literal' ? s.value : `{${s.kind}}`)).join('/')}`;
      if (seen.has(shape)) throw new Error(`Route ${route.method} ${route.path} conflicts with another route`);
      seen.add(shape);
    }
  }

  match(method: string, rawPath: string): RouteLookup<R> {
    const parts = rawPath.split('/').slice(1).map(decodeSegment);
    const allowed = new Set<HttpMethod>();
    for (const { route, segments } of this.routes) {
      const pathParameters = matchSegments(segments, parts);
      if (!pathParameters) continue;
      if (route.method === method) return { kind: 'matched', route, pathParameters };
      allowed.add(route.method);
    }
    if (allowed.size === 0) return { kind: 'not-found' };
    return { kind: 'method-not-allowed', allowed: METHOD_ORDER.filter((m) => allowed.has(m)) };
  }
}

function parsePath(path: string): Segment[] {
  if (!path.startsWith('/')) throw new Error(`Route path must start with "/": ${path}`);
  const parts = path.split('/').slice(1);
  return parts.map((part, index): Segment => {
    const param = /^\{([A-Za-z0-9_.-]+)(\+)?\}$/.exec(part);
    if (!param) return { kind: 'literal', value: part };
    if (!param[2]) return { kind: 'param', name: param[1]! };
    if (index !== parts.length - 1) throw new Error(`Greedy parameter must be the last segment: ${path}`);
    return { kind: 'greedy', name: param[1]! };
  });
}

function bySpecificity(a: CompiledRoute<unknown>, b: CompiledRoute<unknown>): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const difference = SPECIFICITY[a.segments[i]!.kind] - SPECIFICITY[b.segments[i]!.kind];
    if (difference !== 0) return difference;
  }
  return b.segments.length - a.segments.length;
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (segment.value !== part) return undefined;
      continue;
    }
    if (part === '') return undefined; // a parameter never matches an empty segment
    if (segment.kind === 'greedy') {
      params[segment.name] = parts.slice(i).join('/');
      return params;
    }
    params[segment.name] = part;
  }
  return parts.length === segments.length ? params : undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed escapes are matched as written, not rejected
  }
}
