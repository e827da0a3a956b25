/**
 * What the shop answers for a request no route of the HTTP API took, the same answers the
 * local cloud's gateway gives (tools/local-cloud/src/api-gateway.ts): 405 with an `Allow`
 * header when the path is a route's but the method is not, 404 otherwise, in the shop's error
 * shape. Pure and dependency-free: it is bundled on its own into the `$default` route's function.
 */

export type FallbackAnswer =
  | { status: 404 | 405; headers: Record<string, string>; body: { error: { code: string; message: string } } }
  /** A CORS preflight: no body; API Gateway adds the configured CORS headers to it. */
  | { status: 204; headers: Record<string, string>; body?: undefined };

/** `{paths: methods}`, as known-routes.ts writes it into the function's zip. */
export type RouteList = Record<string, readonly string[]>;

export function fallbackAnswer(routes: RouteList, method: string, rawPath: string): FallbackAnswer {
  // `$default` takes every method no route declares, OPTIONS too, ahead of API Gateway's own
  // preflight answer: a browser's preflight must be answered OK, or no cross-origin call is made
  // at all. The request that follows gets its 404 or 405, which the browser can then read.
  if (method === 'OPTIONS') return { status: 204, headers: {} };
  const parts = rawPath.split('/').slice(1).map(decodeSegment);
  const allowed = new Set<string>();
  for (const [path, methods] of Object.entries(routes)) {
    if (matches(path, parts)) for (const m of methods) allowed.add(m);
  }
  const json = { 'content-type': 'application/json' };
  if (allowed.size === 0) {
    return { status: 404, headers: json, body: { error: { code: 'ROUTE_NOT_FOUND', message: `No route for ${method} ${rawPath}` } } };
  }
  const allow = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => allowed.has(m)).join(', ');
  return {
    status: 405,
    headers: { ...json, allow },
    body: { error: { code: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed on ${rawPath}; allowed: ${allow}` } },
  };
}

/** HTTP API's path matching: `{param}` takes one non-empty segment, a last `{param+}` the rest. */
function matches(path: string, parts: readonly string[]): boolean {
  const segments = path.split('/').slice(1);
  for (const [i, segment] of segments.entries()) {
    const part = parts[i];
    if (part === undefined) return false;
    const param = /^\{[A-Za-z0-9_.-]+(\+)?\}$/.exec(segment);
    if (!param) {
      if (segment !== part) return false;
      continue;
    }
    if (part === '') return false;
    if (param[1]) return true;
  }
  return parts.length === segments.length;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
