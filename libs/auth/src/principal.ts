import { ROLES, type Role } from '@shop/contracts';
import { type HttpEvent, UnauthorizedError } from '@shop/common';

/** The caller of a signed-in route, from the claims that the API's JWT authorizer verified. */
export interface Principal {
  /** Cognito `sub`: the stable user id. */
  userId: string;
  username: string;
  roles: readonly Role[];
}

/**
 * HTTP API hands claims to the Lambda as strings: a list claim such as `cognito:groups`
 * arrives as `"[ADMIN CUSTOMER]"`. Accept that form and a real array.
 */
export function parseGroups(claim: unknown): Role[] {
  const raw: unknown[] = Array.isArray(claim)
    ? claim
    : typeof claim === 'string'
      ? claim.replace(/^\[|\]$/g, '').split(/[\s,]+/)
      : [];
  return raw.filter((g): g is Role => typeof g === 'string' && (ROLES as readonly string[]).includes(g));
}

export function principalFromEvent(event: HttpEvent): Principal {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  const sub = claims?.['sub'];
  if (typeof sub !== 'string' || sub === '') throw new UnauthorizedError();
  const username = claims?.['username'] ?? claims?.['cognito:username'] ?? sub;
  return { userId: sub, username: String(username), roles: parseGroups(claims?.['cognito:groups']) };
}
