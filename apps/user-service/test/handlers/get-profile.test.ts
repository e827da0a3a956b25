import { httpRoute } from '@shop/platform';
import { accessTokenClaims, invokeHandler, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/get-profile';
import { service } from '../../src/service';
import { TABLE_KEYS, USERS_TABLE, withUserServiceEnv } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'get-profile'] });
const route = httpRoute(service, 'get-profile');
const USER_ID = '7d1f6a52-3b0c-4e9a-a1d2-5c6b7a8e9f00';
withUserServiceEnv();

const OTHER_USER_ID = '0e1f6a52-3b0c-4e9a-a1d2-5c6b7a8e9f99';
const profile = { userId: USER_ID, email: 'ada@example.com', emailVerified: false, name: 'Ada Lovelace', role: 'CUSTOMER', createdAt: '2025-01-01T00:00:00.000Z' };
const getProfile = (claims = accessTokenClaims({ userId: USER_ID, roles: ['CUSTOMER'] })) =>
  invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { claims }));

describe('GET /users/me', () => {
  it("answers the signed-in user's own profile", async () => {
    db().put(USERS_TABLE, { ...profile, internal: 'x' });

    const res = await getProfile();

    expect(res.status).toBe(200);
    expect(res.body).toEqual(profile);
    expect(res.headers['x-correlation-id']).toBeTruthy();
  });

  it('shows whether the e-mail address and the phone are verified', async () => {
    db().put(USERS_TABLE, { ...profile, emailVerified: true, phone: '+14155550123', phoneVerified: false });
    const res = await getProfile();
    expect(res.body).toMatchObject({ emailVerified: true, phone: '+14155550123', phoneVerified: false });
  });

  it('answers a user in no group too, with the role stored for them', async () => {
    db().put(USERS_TABLE, profile);
    const res = await getProfile(accessTokenClaims({ userId: USER_ID }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'CUSTOMER' });
  });

  it("shows the role the API gives the caller (the token's groups), not one stored before the groups changed", async () => {
    db().put(USERS_TABLE, profile);
    expect((await getProfile(accessTokenClaims({ userId: USER_ID, roles: ['MANAGER'] }))).body).toMatchObject({ role: 'MANAGER' });
    expect((await getProfile(accessTokenClaims({ userId: USER_ID, roles: ['CUSTOMER', 'ADMIN'] }))).body).toMatchObject({ role: 'ADMIN' });

    db().put(USERS_TABLE, { ...profile, role: 'ADMIN' });
    expect((await getProfile(accessTokenClaims({ userId: USER_ID, roles: ['CUSTOMER'] }))).body).toMatchObject({ role: 'CUSTOMER' });
  });

  it('answers 404 when the user has no profile', async () => {
    db().put(USERS_TABLE, { ...profile, userId: OTHER_USER_ID });
    const res = await getProfile();
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Profile not found' } });
  });

  it('answers 401 without a signed-in caller, and reads nothing', async () => {
    const res = await invokeHandler(handler, routeEvent(route));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Authentication is required' } });
    expect(ddb.calls()).toHaveLength(0);
  });
});
