import { AdminAddUserToGroupCommand, CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { TEST_PASSWORD, uniqueEmail } from '@shop/testing';
import { describe, expect, it } from 'vitest';
import { api, cloud, scanAll } from '../src/cloud';

describe('accounts', () => {
  it('registers a customer, signs them in and shows their profile', async () => {
    const email = uniqueEmail();
    const registered = await api.post('/users/register', { email, password: TEST_PASSWORD, name: 'Ada Lovelace' });
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({ userId: expect.any(String), email });

    const login = await api.post('/users/login', { email, password: TEST_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ token: expect.any(String), tokenType: 'Bearer', idToken: expect.any(String), expiresIn: expect.any(Number) });
    expect(new Date(login.body.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const me = await api.get('/users/me', { token: login.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId: registered.body.userId, email, name: 'Ada Lovelace', role: 'CUSTOMER' });
  });

  it('treats emails case-insensitively and refuses a second account for one email with 409', async () => {
    const email = uniqueEmail();
    expect((await api.post('/users/register', { email, password: TEST_PASSWORD, name: 'First' })).status).toBe(201);
    const again = await api.post('/users/register', { email: email.toUpperCase(), password: TEST_PASSWORD, name: 'Second' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('EMAIL_TAKEN');
  });

  it('takes up a registration that stopped after sign-up when its own password comes again, and refuses anyone else with 409', async () => {
    const email = uniqueEmail('halfway');
    // SignUp done at the pool, and nothing after it: the answer lost, or the function stopped.
    const pool = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: cloud.cognitoEndpoint });
    try {
      await pool.send(new SignUpCommand({ ClientId: cloud.clientId, Username: email, Password: TEST_PASSWORD, UserAttributes: [{ Name: 'email', Value: email }, { Name: 'name', Value: 'Halfway' }] }));
    } finally {
      pool.destroy();
    }
    expect((await api.post('/users/login', { email, password: TEST_PASSWORD })).status).toBe(401);

    const stranger = await api.post('/users/register', { email, password: `${TEST_PASSWORD}-other`, name: 'Someone else' });
    expect(stranger).toMatchObject({ status: 409, body: { error: { code: 'EMAIL_TAKEN' } } });

    const retry = await api.post('/users/register', { email, password: TEST_PASSWORD, name: 'Halfway' });
    expect(retry.status).toBe(201);
    const login = await api.post('/users/login', { email, password: TEST_PASSWORD });
    expect(login.status).toBe(200);
    const me = await api.get('/users/me', { headers: { authorization: `Bearer ${login.body.token}` } });
    expect(me.body).toMatchObject({ userId: retry.body.userId, email, role: 'CUSTOMER' });

    // Finished now: the same password again is a second account for one e-mail.
    expect((await api.post('/users/register', { email, password: TEST_PASSWORD, name: 'Halfway' })).status).toBe(409);
  });

  it("shows the role of the caller's groups, as the API grants it: a customer made MANAGER in the pool reads MANAGER once signed in again", async () => {
    const email = uniqueEmail('promoted');
    expect((await api.post('/users/register', { email, password: TEST_PASSWORD, name: 'Promoted' })).status).toBe(201);
    const pool = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: cloud.cognitoEndpoint });
    try {
      await pool.send(new AdminAddUserToGroupCommand({ UserPoolId: cloud.userPoolId, Username: email, GroupName: 'MANAGER' }));
    } finally {
      pool.destroy();
    }
    const login = await api.post('/users/login', { email, password: TEST_PASSWORD });
    const me = await api.get('/users/me', { headers: { authorization: `Bearer ${login.body.token}` } });
    expect(me.body).toMatchObject({ email, role: 'MANAGER' });
  });

  it("renews a session with its refresh token, with the account's groups as they are now, until sign-out revokes it", async () => {
    const email = uniqueEmail('session');
    expect((await api.post('/users/register', { email, password: TEST_PASSWORD, name: 'Session' })).status).toBe(201);
    const login = await api.post('/users/login', { email, password: TEST_PASSWORD });
    const { refreshToken } = login.body as { refreshToken: string };
    expect(refreshToken).toEqual(expect.any(String));

    // Promoted while signed in: the renewed token carries the new group, without the password.
    const pool = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: cloud.cognitoEndpoint });
    try {
      await pool.send(new AdminAddUserToGroupCommand({ UserPoolId: cloud.userPoolId, Username: email, GroupName: 'MANAGER' }));
    } finally {
      pool.destroy();
    }
    const renewed = await api.post('/users/refresh', { refreshToken });
    expect(renewed.status).toBe(200);
    expect(renewed.headers.get('cache-control')).toBe('no-store');
    expect(renewed.body).toEqual({ token: expect.any(String), tokenType: 'Bearer', idToken: expect.any(String), expiresIn: expect.any(Number), expiresAt: expect.any(String) });
    expect(renewed.body.token).not.toBe(login.body.token);
    expect((await api.get('/users/me', { token: renewed.body.token })).body).toMatchObject({ email, role: 'MANAGER' });

    const out = await api.post('/users/logout', { refreshToken });
    expect(out.status).toBe(204);
    expect(await api.post('/users/refresh', { refreshToken })).toMatchObject({ status: 401, body: { error: { code: 'INVALID_REFRESH_TOKEN' } } });
    // Signing out twice (a retry, a second tab) is no error.
    expect((await api.post('/users/logout', { refreshToken })).status).toBe(204);
  });

  it('answers a refresh token it never issued with 401, and a missing one with 400', async () => {
    expect(await api.post('/users/refresh', { refreshToken: 'not-a-refresh-token' })).toMatchObject({ status: 401, body: { error: { code: 'INVALID_REFRESH_TOKEN' } } });
    expect(await api.post('/users/refresh', {})).toMatchObject({ status: 400, body: { error: { details: [{ field: 'refreshToken' }] } } });
    expect((await api.post('/users/logout', { refreshToken: 'not-a-refresh-token' })).status).toBe(204);
  });

  it('refuses a password the pool policy rejects with 400 saying why, and creates nothing', async () => {
    const email = uniqueEmail();
    const before = (await scanAll(cloud.tables.users)).length;
    const weak = await api.post('/users/register', { email, password: 'weakpass', name: 'Weak' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('INVALID_PASSWORD');
    expect(weak.body.error.message).toMatch(/uppercase/);
    expect(weak.body.error.message).toMatch(/number/);
    expect(JSON.stringify(weak.body)).not.toContain('weakpass');
    expect((await scanAll(cloud.tables.users)).length).toBe(before);
    // Nothing half-made in the pool either: the same email registers fine afterwards.
    expect((await api.post('/users/register', { email, password: TEST_PASSWORD, name: 'Weak' })).status).toBe(201);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const email = uniqueEmail();
    await api.post('/users/register', { email, password: TEST_PASSWORD, name: 'Grace' });
    const wrongPassword = await api.post('/users/login', { email, password: 'Wrong-Passw0rd' });
    const unknownEmail = await api.post('/users/login', { email: uniqueEmail('nobody'), password: TEST_PASSWORD });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
  });

  it('needs a token for the profile', async () => {
    const me = await api.get('/users/me');
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('UNAUTHORIZED');
  });
});
