import { ForbiddenError, type HttpEvent, NotFoundError, UnauthorizedError } from '@shop/common';
import { describe, expect, it } from 'vitest';
import { assertOwnerOrAdmin, authorizeRoute, parseGroups, principalFromEvent } from '../src';

function withClaims(claims?: Record<string, string | number | boolean | string[]>): HttpEvent {
  return {
    requestContext: claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {},
  } as unknown as HttpEvent;
}

describe('parseGroups', () => {
  it('reads the bracketed string that HTTP API passes, and a real array', () => {
    expect(parseGroups('[ADMIN CUSTOMER]')).toEqual(['ADMIN', 'CUSTOMER']);
    expect(parseGroups('[MANAGER]')).toEqual(['MANAGER']);
    expect(parseGroups(['ADMIN'])).toEqual(['ADMIN']);
  });

  it('ignores groups that are not roles and anything that is not a list', () => {
    expect(parseGroups('[ADMIN us-east-1_Google]')).toEqual(['ADMIN']);
    expect(parseGroups(undefined)).toEqual([]);
    expect(parseGroups(42)).toEqual([]);
  });
});

describe('principalFromEvent', () => {
  it('builds the caller from verified claims', () => {
    expect(principalFromEvent(withClaims({ sub: 'u-1', username: 'ann', 'cognito:groups': '[CUSTOMER]' }))).toEqual({
      userId: 'u-1',
      username: 'ann',
      roles: ['CUSTOMER'],
    });
  });

  it('refuses a request without claims', () => {
    expect(() => principalFromEvent(withClaims())).toThrow(UnauthorizedError);
  });
});

describe('authorizeRoute', () => {
  it('lets anyone through a public route', () => {
    expect(authorizeRoute({ kind: 'public' })(withClaims())).toBeUndefined();
  });

  it('needs a signed-in caller on a signed-in route', () => {
    expect(() => authorizeRoute({ kind: 'signed-in' })(withClaims())).toThrow(UnauthorizedError);
    expect(authorizeRoute({ kind: 'signed-in' })(withClaims({ sub: 'u-1' })).userId).toBe('u-1');
  });

  it('needs one of the named roles', () => {
    const editors = authorizeRoute({ kind: 'signed-in', roles: ['ADMIN', 'MANAGER'] });
    expect(editors(withClaims({ sub: 'm', 'cognito:groups': '[MANAGER]' })).roles).toEqual(['MANAGER']);
    expect(() => editors(withClaims({ sub: 'c', 'cognito:groups': '[CUSTOMER]' }))).toThrow(ForbiddenError);
    expect(() => editors(withClaims({ sub: 'n' }))).toThrow(ForbiddenError);
  });
});

describe('assertOwnerOrAdmin', () => {
  it('lets the owner and ADMIN in, and answers 404 to anyone else', () => {
    expect(() => assertOwnerOrAdmin({ userId: 'a', username: 'a', roles: ['CUSTOMER'] }, 'a')).not.toThrow();
    expect(() => assertOwnerOrAdmin({ userId: 'z', username: 'z', roles: ['ADMIN'] }, 'a')).not.toThrow();
    expect(() => assertOwnerOrAdmin({ userId: 'b', username: 'b', roles: ['MANAGER'] }, 'a', 'Order')).toThrow(new NotFoundError('Order not found'));
  });
});
