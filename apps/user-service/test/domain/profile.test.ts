import { Contact, User } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { newCustomerProfile, toContact, toUser } from '../../src/domain/profile';

const createdAt = '2025-01-01T00:00:00.000Z';

describe('profiles', () => {
  it('makes every self-registered account a CUSTOMER whose e-mail address is not verified yet', () => {
    const profile = newCustomerProfile({ userId: 'sub-1', email: 'ada@example.com', name: 'Ada' }, new Date(createdAt));
    expect(profile).toEqual({ userId: 'sub-1', email: 'ada@example.com', emailVerified: false, name: 'Ada', role: 'CUSTOMER', createdAt });
    expect(User.safeParse(profile).success).toBe(true);
  });

  it('keeps a phone number given at registration, not verified yet either', () => {
    const profile = newCustomerProfile({ userId: 'sub-1', email: 'ada@example.com', name: 'Ada', phone: '+14155550123' }, new Date(createdAt));
    expect(profile).toMatchObject({ phone: '+14155550123', phoneVerified: false, emailVerified: false });
  });

  it('answers only the User attributes of a stored item', () => {
    const stored = { userId: 'sub-1', email: 'a@b.co', emailVerified: true, name: 'A', role: 'ADMIN' as const, createdAt, passwordHint: 'x' };
    expect(toUser(stored)).toEqual({ userId: 'sub-1', email: 'a@b.co', emailVerified: true, name: 'A', role: 'ADMIN', createdAt });
  });

  it('counts a profile stored before verification existed as unverified', () => {
    const older = { userId: 'sub-1', email: 'a@b.co', name: 'A', role: 'CUSTOMER' as const, createdAt, phone: '+14155550123' } as User;
    expect(toUser(older)).toMatchObject({ emailVerified: false, phoneVerified: false });
    expect(toContact(older)).toEqual({ userId: 'sub-1', email: 'a@b.co', emailVerified: false, name: 'A', phone: '+14155550123', phoneVerified: false });
    expect(Contact.safeParse(toContact(older)).success).toBe(true);
  });
});
