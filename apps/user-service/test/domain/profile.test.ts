import { User } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { newCustomerProfile, toUser } from '../../src/domain/profile';

describe('profiles', () => {
  it('makes every self-registered account a CUSTOMER', () => {
    const profile = newCustomerProfile({ userId: 'sub-1', email: 'ada@example.com', name: 'Ada' }, new Date('2025-01-01T00:00:00.000Z'));
    expect(profile).toEqual({ userId: 'sub-1', email: 'ada@example.com', name: 'Ada', role: 'CUSTOMER', createdAt: '2025-01-01T00:00:00.000Z' });
    expect(User.safeParse(profile).success).toBe(true);
  });

  it('answers only the User attributes of a stored item', () => {
    const stored = { userId: 'sub-1', email: 'a@b.co', name: 'A', role: 'ADMIN' as const, createdAt: '2025-01-01T00:00:00.000Z', passwordHint: 'x' };
    expect(toUser(stored)).toEqual({ userId: 'sub-1', email: 'a@b.co', name: 'A', role: 'ADMIN', createdAt: '2025-01-01T00:00:00.000Z' });
  });
});
