import type { Contact, Role, User } from '@shop/contracts';

/**
 * Every self-registered account is a customer; other roles are granted by an administrator.
 * Its e-mail address (and phone) start unverified: nothing is sent to them until the customer
 * proves they are theirs (`POST /users/me/verification`).
 */
export function newCustomerProfile(account: { userId: string; email: string; name: string; phone?: string | undefined }, now: Date): User {
  return {
    userId: account.userId,
    email: account.email,
    emailVerified: false,
    name: account.name,
    ...(account.phone && { phone: account.phone, phoneVerified: false }),
    role: 'CUSTOMER',
    createdAt: now.toISOString(),
  };
}

/**
 * The API's User from a stored item: only the schema's attributes. A profile stored before
 * verification existed has no flags, and counts as unverified.
 */
export function toUser(item: User): User {
  return {
    userId: item.userId,
    email: item.email,
    emailVerified: item.emailVerified === true,
    name: item.name,
    ...(item.phone && { phone: item.phone, phoneVerified: item.phoneVerified === true }),
    role: item.role,
    createdAt: item.createdAt,
  };
}

/** Where to reach a user, for the messages about their orders, and which of those channels they verified. */
export function toContact(item: User): Contact {
  const user = toUser(item);
  return {
    userId: user.userId,
    email: user.email,
    emailVerified: user.emailVerified,
    name: user.name,
    ...(user.phone && { phone: user.phone, phoneVerified: user.phoneVerified === true }),
  };
}

/** The roles by what they may do, most first: a user in several groups is shown the one that may do most. */
const ROLES_BY_REACH: readonly Role[] = ['ADMIN', 'MANAGER', 'CUSTOMER'];

/**
 * The profile with the role the API gives its caller: that of the token's groups (`cognito:groups`),
 * which every route checks, rather than the one stored at registration, which a change of groups
 * outside the shop's own tools leaves as it was. A caller in no group keeps the stored one.
 */
export function withCallersRole(user: User, roles: readonly Role[]): User {
  const role = ROLES_BY_REACH.find((r) => roles.includes(r));
  return role ? { ...user, role } : user;
}
