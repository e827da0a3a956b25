import type { HttpMethod } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { RouteTable } from '../src/route-table';

const route = (method: HttpMethod, path: string) => ({ method, path, id: `${method} ${path}` });

const table = new RouteTable([
  route('GET', '/products'),
  route('POST', '/products'),
  route('GET', '/products/{id}'),
  route('PUT', '/products/{id}'),
  route('DELETE', '/products/{id}'),
  route('GET', '/products/featured'),
  route('POST', '/orders/{orderId}/cancel'),
  route('GET', '/files/{proxy+}'),
  route('GET', '/files/{name}/meta'),
  route('GET', '/'),
]);

function matched(method: string, path: string) {
  const lookup = table.match(method, path);
  if (lookup.kind !== 'matched') throw new Error(`${method} ${path}: ${lookup.kind}`);
  return { id: lookup.route.id, params: lookup.pathParameters };
}

describe('RouteTable', () => {
  it('matches a literal route exactly', () => {
    expect(matched('GET', '/products')).toEqual({ id: 'GET /products', params: {} });
    expect(matched('GET', '/')).toEqual({ id: 'GET /', params: {} });
  });

  it('prefers a literal segment over a {param}, whatever the declaration order', () => {
    expect(matched('GET', '/products/featured').id).toBe('GET /products/featured');
    expect(matched('GET', '/products/p-1')).toEqual({ id: 'GET /products/{id}', params: { id: 'p-1' } });
    expect(matched('GET', '/files/a/meta').id).toBe('GET /files/{name}/meta');
  });

  it('selects by method before specificity', () => {
    expect(matched('PUT', '/products/featured')).toEqual({ id: 'PUT /products/{id}', params: { id: 'featured' } });
  });

  it('decodes path parameters', () => {
    expect(matched('GET', '/products/a%20b%2Fc').params).toEqual({ id: 'a b/c' });
    expect(matched('POST', '/orders/o%3A1/cancel').params).toEqual({ orderId: 'o:1' });
    expect(matched('GET', '/products/%E0%A4%A').params).toEqual({ id: '%E0%A4%A' });
  });

  it('lets a greedy parameter take the rest of the path, last', () => {
    expect(matched('GET', '/files/a/b/c')).toEqual({ id: 'GET /files/{proxy+}', params: { proxy: 'a/b/c' } });
  });

  it('never matches a parameter to an empty segment, or a route of another length', () => {
    expect(table.match('GET', '/products/').kind).toBe('not-found');
    expect(table.match('GET', '/products/p-1/extra').kind).toBe('not-found');
    expect(table.match('GET', '/nope').kind).toBe('not-found');
  });

  it('lists the allowed methods when only the method is wrong', () => {
    expect(table.match('PATCH', '/products')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'POST'] });
    expect(table.match('POST', '/products/p-1')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'PUT', 'DELETE'] });
    expect(table.match('HEAD', '/products')).toMatchObject({ kind: 'method-not-allowed' });
  });

  it('refuses conflicting routes and malformed paths', () => {
    expect(() => new RouteTable([route('GET', '/a/{x}'), route('GET', '/a/{y}')])).toThrow(/conflicts/);
    expect(() => new RouteTable([route('GET', 'a')])).toThrow(/must start/);
    expect(() => new RouteTable([route('GET', '/{all+}/x')])).toThrow(/last segment/);
    expect(() => new RouteTable([route('GET', '/a/{x}'), route('POST', '/a/{y}')])).not.toThrow();
  });
});
