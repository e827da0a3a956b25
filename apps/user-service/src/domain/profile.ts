import type { User } from '@shop/domain';

/** Every self-registered account is a customer; other roles are granted by an administrator. */
export function newCustomerProfile(account: { userId: string; email: string; name: string }, now: Date): User {
  return { userId: account.userId, email: account.email, name: account.name, role: 'CUSTOMER', createdAt: now.toISOString() };
}

/** The API's User from a stored item: only the schema's attributes. */
export function toUser(item: User): User {
  return { userId: item.userId, email: item.email, name: item.name, role: item.role, createdAt: item.createdAt };
}
