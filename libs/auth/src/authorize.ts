import type { Role } from '@shop/contracts';
import { ForbiddenError, type HttpEvent, NotFoundError } from '@shop/common';
import type { RouteAuth } from '@shop/platform';
import { type Principal, principalFromEvent } from './principal';

export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return principal.roles.some((r) => roles.includes(r));
}

/**
 * The authorize step for a route, built from the route's `auth` in the manifest: public
 * routes let anyone through; signed-in routes need verified claims and, when the route
 * names roles, one of them.
 */
export function authorizeRoute(auth: { kind: 'public' }): (event: HttpEvent) => undefined;
export function authorizeRoute(auth: { kind: 'signed-in'; roles?: readonly Role[] }): (event: HttpEvent) => Principal;
export function authorizeRoute(auth: RouteAuth): (event: HttpEvent) => Principal | undefined {
  if (auth.kind === 'public') return () => undefined;
  const roles = auth.roles;
  return (event) => {
    const principal = principalFromEvent(event);
    if (roles && !hasAnyRole(principal, roles)) {
      throw new ForbiddenError(`This needs one of the roles ${roles.join(', ')}`);
    }
    return principal;
  };
}

/**
 * Lets a user reach their own resource, and ADMIN reach anyone's. Anyone else gets 404,
 * not 403, so that ids of other users' resources cannot be probed.
 */
export function assertOwnerOrAdmin(principal: Principal, ownerId: string, what = 'Resource'): void {
  if (principal.userId === ownerId || principal.roles.includes('ADMIN')) return;
  throw new NotFoundError(`${what} not found`);
}
