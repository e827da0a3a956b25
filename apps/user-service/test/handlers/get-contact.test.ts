import { Contact } from '@shop/contracts';
import { lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/get-contact';
import { service } from '../../src/service';
import { TABLE_KEYS, USERS_TABLE, withUserServiceEnv } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'get-contact'] });
const USER_ID = '7d1f6a52-3b0c-4e9a-a1d2-5c6b7a8e9f00';
withUserServiceEnv();

const OTHER_USER_ID = '0e1f6a52-3b0c-4e9a-a1d2-5c6b7a8e9f99';
const profile = { userId: USER_ID, email: 'ada@example.com', emailVerified: true, name: 'Ada Lovelace', role: 'CUSTOMER', createdAt: '2025-01-01T00:00:00.000Z' };
const getContact = (payload: unknown) => handler(payload, lambdaContext('get-contact'));

describe('get-contact', () => {
  it("answers a user's email and name, and their phone when they gave one, each with whether it is verified", async () => {
    db().put(USERS_TABLE, { ...profile, phone: '+14155550123', phoneVerified: false });
    const contact = await getContact({ userId: USER_ID, correlationId: 'corr-1' });
    expect(contact).toEqual({ userId: USER_ID, email: 'ada@example.com', emailVerified: true, name: 'Ada Lovelace', phone: '+14155550123', phoneVerified: false });
    expect(Contact.parse(contact)).toEqual(contact);
  });

  it('leaves the phone out for a user who gave none, and never answers the role or other attributes', async () => {
    db().put(USERS_TABLE, { ...profile, internal: 'x' });
    expect(await getContact({ userId: USER_ID })).toEqual({ userId: USER_ID, email: 'ada@example.com', emailVerified: true, name: 'Ada Lovelace' });
  });

  it('answers an unverified address as unverified, also for a profile stored before verification existed', async () => {
    const { emailVerified: _, ...older } = profile;
    db().put(USERS_TABLE, { ...older, phone: '+14155550123' });
    expect(await getContact({ userId: USER_ID })).toMatchObject({ emailVerified: false, phoneVerified: false });
  });

  it('fails with UserNotFound for a user without a profile', async () => {
    db().put(USERS_TABLE, { ...profile, userId: OTHER_USER_ID });
    await expect(getContact({ userId: USER_ID })).rejects.toMatchObject({ name: 'UserNotFound' });
  });

  it('refuses a payload without a user id, and reads nothing', async () => {
    await expect(getContact({ user: USER_ID })).rejects.toMatchObject({ name: 'InvalidRequest' });
    expect(ddb.calls()).toHaveLength(0);
  });
});
