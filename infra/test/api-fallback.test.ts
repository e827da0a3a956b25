import { errorBody, MethodNotAllowedError, NotFoundError } from '@shop/common';
import { findRepoRoot, loadManifests } from '@shop/platform';
import { RouteTable } from '@shop/local-cloud';
import { beforeAll, describe, expect, it } from 'vitest';
import { knownRoutes, type KnownRoutes } from '../src/api-fallback/known-routes';
import { fallbackAnswer } from '../src/api-fallback/route-answer';

/**
 * The `$default` route's function answers what the local cloud's gateway answers for a request
 * no route takes: the same status, `Allow` header and error body, checked here against the
 * local cloud's own route table and errors, over the repository's routes.
 */

let routes: KnownRoutes;
let table: RouteTable<{ method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string }>;
beforeAll(async () => {
  routes = knownRoutes(await loadManifests(findRepoRoot(__dirname)));
  table = new RouteTable(Object.entries(routes).flatMap(([path, methods]) => methods.map((method) => ({ method, path }))));
});

/** What the local cloud answers for a request its table does not match. */
function localAnswer(method: string, path: string): { status: number; headers: Record<string, string>; body: unknown } | 'matched' {
  const lookup = table.match(method, path);
  if (lookup.kind === 'matched') return 'matched';
  const error = lookup.kind === 'not-found' ? new NotFoundError(`No route for ${method} ${path}`, 'ROUTE_NOT_FOUND') : new MethodNotAllowedError(method, path, lookup.allowed);
  return { status: error.status, headers: { 'content-type': 'application/json', ...error.headers }, body: errorBody(error) };
}

describe("the $default route's answers", () => {
  it("list every manifest route's methods by path", () => {
    expect(routes['/products']).toEqual(['GET', 'POST']);
    expect(routes['/products/{productId}'] ?? routes['/products/{id}']).toEqual(expect.arrayContaining(['GET', 'PUT', 'DELETE']));
  });

  it.each([
    ['GET', '/nope'],
    ['GET', '/'],
    ['PATCH', '/products'],
    ['DELETE', '/orders'],
    ['HEAD', '/users/me'],
    ['POST', '/products/abc'],
    ['GET', '/products/abc/extra'],
    ['GET', '/products/'],
    ['PATCH', '/cart/items/p%201'],
    ['GET', '/users/login'],
  ])("are the local cloud's for %s %s", (method, path) => {
    const local = localAnswer(method, path);
    expect(local).not.toBe('matched');
    const answer = fallbackAnswer(routes, method, path);
    expect({ status: answer.status, headers: answer.headers, body: answer.body }).toEqual(local);
  });

  it.each(['/users/login', '/products/123', '/nowhere'])('answer a CORS preflight of %s 204 with no body, which API Gateway gives its CORS headers', (path) => {
    expect(fallbackAnswer(routes, 'OPTIONS', path)).toEqual({ status: 204, headers: {} });
  });

  it('answer 404 ROUTE_NOT_FOUND in the shop error shape, and 405 with Allow', () => {
    expect(fallbackAnswer({ '/a/{id}': ['GET', 'DELETE'] }, 'GET', '/b')).toEqual({
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: { error: { code: 'ROUTE_NOT_FOUND', message: 'No route for GET /b' } },
    });
    expect(fallbackAnswer({ '/a/{id}': ['GET', 'DELETE'], '/a/{rest+}': ['POST'] }, 'PUT', '/a/1')).toEqual({
      status: 405,
      headers: { 'content-type': 'application/json', allow: 'GET, POST, DELETE' },
      body: { error: { code: 'METHOD_NOT_ALLOWED', message: 'PUT is not allowed on /a/1; allowed: GET, POST, DELETE' } },
    });
  });
});
