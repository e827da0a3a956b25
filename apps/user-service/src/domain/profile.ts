import type { Contact, User } from '@shop/domain';

/** Every self-registered account is a customer; other roles are granted by an administrator. */
export function newCustomerProfile(account: { userId: string; email: string; name: string; phone?: string | undefined }, now: Date): User {
  return {
    userId: account.userId,
    email: account.email,
    name: account.name,
    ...(account.phone && { phone: account.phone }),
    role: 'CUSTOMER',
    createdAt: now.toISOString(),
  };
}

/** The API's User from a stored item: only the schema's attributes. */
export function toUser(item: User): User {
  return {
    userId: item.userId,
    email: item.email,
    name: item.name,
    ...(item.phone && { phone: item.phone }),
    role: item.role,
    createdAt: item.createdAt,
  };
}

/** Where to reach a user, for the messages about their orders. */
export function toContact(item: User): Contact {
  return { userId: item.userId, email: item.email, name: item.name, ...(item.phone && { phone: item.phone }) };
}
