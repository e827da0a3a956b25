import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
  InvalidParameterException,
  AdminGetUserCommand,
  InitiateAuthCommand,
  InvalidPasswordException,
  NotAuthorizedException,
  SignUpCommand,
  UserNotConfirmedException,
  TooManyRequestsException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { invokeHandler, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/handlers/register';
import { service } from '../../src/service';
import { captureLogs, TABLE_KEYS, USER_POOL_CLIENT_ID, USER_POOL_ID, USERS_TABLE, withUserServiceEnv } from '../fixtures';

const cognito = mockClient(CognitoIdentityProviderClient);
const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'register'] });
const route = httpRoute(service, 'register');
const USER_SUB = '7d1f6a52-3b0c-4e9a-a1d2-5c6b7a8e9f00';
withUserServiceEnv();
beforeEach(() => {
  cognito.reset();
  cognito.on(SignUpCommand).resolves({ UserSub: USER_SUB, UserConfirmed: false });
  cognito.on(AdminConfirmSignUpCommand).resolves({});
  cognito.on(AdminAddUserToGroupCommand).resolves({});
  cognito.on(AdminDeleteUserCommand).resolves({});
});
afterAll(() => {
  cognito.restore();
});

const PASSWORD = 'Correct-Horse-7';
const ada = { email: 'Ada@Example.com', password: PASSWORD, name: 'Ada Lovelace' };
const register = (body: unknown) => invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { body }));
const nothingSent = () => {
  expect(cognito.calls()).toHaveLength(0);
  expect(ddb.calls()).toHaveLength(0);
};
const cognitoError = <E>(Type: new (o: { message: string; $metadata: object }) => E, message: string) =>
  new Type({ message, $metadata: { httpStatusCode: 400 } });

describe('POST /users/register', () => {
  it('creates a confirmed CUSTOMER account with a profile and answers 201 {userId, email}', async () => {
    const res = await register(ada);

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ userId: USER_SUB, email: 'ada@example.com' });
    expect(res.headers['x-correlation-id']).toBeTruthy();

    expect(cognito.commandCalls(SignUpCommand)[0]?.args[0].input).toEqual({
      ClientId: USER_POOL_CLIENT_ID,
      Username: 'ada@example.com',
      Password: PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: 'ada@example.com' },
        { Name: 'name', Value: 'Ada Lovelace' },
      ],
    });
    expect(cognito.commandCalls(AdminConfirmSignUpCommand)[0]?.args[0].input).toEqual({ UserPoolId: USER_POOL_ID, Username: 'ada@example.com' });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]?.args[0].input).toEqual({
      UserPoolId: USER_POOL_ID,
      Username: 'ada@example.com',
      GroupName: 'CUSTOMER',
    });
    const put = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      TableName: USERS_TABLE,
      Item: { userId: USER_SUB, email: 'ada@example.com', emailVerified: false, name: 'Ada Lovelace', role: 'CUSTOMER' },
      ConditionExpression: 'attribute_not_exists(userId)',
    });
    expect(put?.Item).not.toHaveProperty('password');
    expect(db().items(USERS_TABLE)).toEqual([put?.Item]);
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(0);
  });

  it('refuses a weak password with every broken rule, without calling Cognito or echoing it', async () => {
    const res = await register({ ...ada, password: 'lowercase' });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'INVALID_PASSWORD',
        message: 'Password does not meet the policy: must contain an uppercase letter; must contain a number',
        details: [
          { field: 'password', message: 'must contain an uppercase letter' },
          { field: 'password', message: 'must contain a number' },
        ],
      },
    });
    expect(JSON.stringify(res.body)).not.toContain('lowercase');
    nothingSent();
  });

  it('answers 409 EMAIL_TAKEN for an email that has an account, and deletes nothing', async () => {
    cognito.on(SignUpCommand).rejects(cognitoError(UsernameExistsException, 'User already exists'));
    cognito.on(InitiateAuthCommand).rejects(cognitoError(NotAuthorizedException, 'Incorrect username or password.'));

    const res = await register(ada);

    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'EMAIL_TAKEN', message: 'An account with this email already exists' } });
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(0);
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('takes up its own registration that stopped after SignUp (the answer lost, the SDK retried): confirms it, and answers 201', async () => {
    // The first SignUp went through at Cognito; the retry finds the address taken.
    cognito.on(SignUpCommand).rejects(cognitoError(UsernameExistsException, 'User already exists'));
    cognito.on(InitiateAuthCommand).rejects(cognitoError(UserNotConfirmedException, 'User is not confirmed.'));
    cognito.on(AdminGetUserCommand).resolves({ Username: 'ada@example.com', UserAttributes: [{ Name: 'sub', Value: USER_SUB }] });

    const res = await register(ada);

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ userId: USER_SUB, email: 'ada@example.com' });
    expect(cognito.commandCalls(AdminConfirmSignUpCommand)).toHaveLength(1);
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(1);
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(0);
    expect(db().get(USERS_TABLE, USER_SUB)).toMatchObject({ userId: USER_SUB, email: 'ada@example.com', role: 'CUSTOMER' });
  });

  it('never takes up an account whose registration finished: 409, even with its own password', async () => {
    db().put(USERS_TABLE, { userId: USER_SUB, email: 'ada@example.com', emailVerified: false, name: 'Ada', role: 'CUSTOMER', createdAt: '2025-01-01T00:00:00.000Z' });
    cognito.on(SignUpCommand).rejects(cognitoError(UsernameExistsException, 'User already exists'));
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: { AccessToken: 'a', IdToken: 'i', ExpiresIn: 3600 } });
    cognito.on(AdminGetUserCommand).resolves({ Username: 'ada@example.com', UserAttributes: [{ Name: 'sub', Value: USER_SUB }] });

    const res = await register(ada);

    expect(res.status).toBe(409);
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it("answers 400 INVALID_PASSWORD with the pool's reason when the pool's policy is stricter", async () => {
    cognito.on(SignUpCommand).rejects(cognitoError(InvalidPasswordException, 'Password did not conform with policy: Password must have symbol characters'));

    const res = await register(ada);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'INVALID_PASSWORD',
        message: 'Password does not meet the policy: Password must have symbol characters',
        details: [{ field: 'password', message: 'Password must have symbol characters' }],
      },
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 400 when Cognito refuses a parameter, never echoing the password', async () => {
    cognito.on(SignUpCommand).rejects(cognitoError(InvalidParameterException, `Invalid value ${PASSWORD} for password`));

    const res = await register(ada);

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_PARAMETER' } });
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
  });

  it('answers 429, not 500, when Cognito throttles', async () => {
    cognito.on(SignUpCommand).rejects(cognitoError(TooManyRequestsException, 'Rate exceeded'));
    const res = await register(ada);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
  });

  it.each([
    ['confirming the account', () => cognito.on(AdminConfirmSignUpCommand).rejects(cognitoError(TooManyRequestsException, 'Rate exceeded'))],
    ['putting it in its group', () => cognito.on(AdminAddUserToGroupCommand).rejects(cognitoError(TooManyRequestsException, 'Rate exceeded'))],
  ])('answers 429, not 500, when Cognito throttles %s, and removes the account so that the retry can succeed', async (_step, throttle) => {
    throttle();
    const res = await register(ada);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
    // Nothing written: the one read is whether another registration finished the account.
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(db().items(USERS_TABLE)).toEqual([]);
  });

  it('removes the new account when the profile cannot be stored, so that a retry can succeed', async () => {
    // A throttle is an infrastructure failure no table state produces: the fake is armed with it, once.
    db().failNext(PutCommand, Object.assign(new Error('Throughput exceeds the provisioned capacity'), { name: 'ProvisionedThroughputExceededException' }));

    const res = await register(ada);

    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'Something went wrong on our side' } });
    expect(cognito.commandCalls(AdminDeleteUserCommand)[0]?.args[0].input).toEqual({ UserPoolId: USER_POOL_ID, Username: 'ada@example.com' });
    expect(db().items(USERS_TABLE)).toEqual([]);

    // The retry goes through once the table is back.
    expect((await register(ada)).status).toBe(201);
    expect(db().items(USERS_TABLE)).toEqual([expect.objectContaining({ userId: USER_SUB })]);
  });

  it('takes an account another registration confirmed meanwhile as confirmed (Cognito refuses to confirm it again), and goes on', async () => {
    cognito.on(AdminConfirmSignUpCommand).rejects(cognitoError(NotAuthorizedException, 'User cannot be confirmed. Current status is CONFIRMED'));
    cognito.on(AdminGetUserCommand).resolves({ Username: 'ada@example.com', UserStatus: 'CONFIRMED', UserAttributes: [{ Name: 'sub', Value: USER_SUB }] });
    const res = await register(ada);
    expect(res.status).toBe(201);
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(0);
    expect(db().items(USERS_TABLE)).toEqual([expect.objectContaining({ userId: USER_SUB })]);
  });

  it('removes the new account when Cognito refuses to confirm it and it is not confirmed', async () => {
    cognito.on(AdminConfirmSignUpCommand).rejects(cognitoError(NotAuthorizedException, 'User cannot be confirmed.'));
    cognito.on(AdminGetUserCommand).resolves({ Username: 'ada@example.com', UserStatus: 'UNCONFIRMED' });
    expect((await register(ada)).status).toBe(500);
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
  });

  it('removes the new account when it cannot be confirmed or put in its group', async () => {
    cognito.on(AdminAddUserToGroupCommand).rejects(new Error('ResourceNotFoundException: group CUSTOMER'));

    const res = await register(ada);

    expect(res.status).toBe(500);
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
    // Nothing written: the one read is whether another registration finished the account.
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(db().items(USERS_TABLE)).toEqual([]);
  });

  it('logs a failed clean-up and still answers the original failure', async () => {
    const { lines } = captureLogs();
    cognito.on(AdminConfirmSignUpCommand).rejects(new Error('confirm failed'));
    cognito.on(AdminDeleteUserCommand).rejects(new Error('delete failed'));

    const res = await register(ada);

    expect(res.status).toBe(500);
    const logged = lines.map((l) => JSON.parse(l) as { level: string; message: string; userId?: string });
    expect(logged).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'could not remove the half-registered account', userId: USER_SUB }),
    );
  });

  it('never logs the password', async () => {
    const { lines } = captureLogs();
    await register(ada);
    await register({ ...ada, password: 'weakpassword' });
    cognito.on(SignUpCommand).rejects(cognitoError(InvalidParameterException, `bad ${PASSWORD}`));
    await register(ada);

    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('weakpassword');
  });

  it('keeps the phone number a customer gives, for order updates by SMS', async () => {
    const res = await register({ ...ada, phone: '+14155550123' });
    expect(res.status).toBe(201);
    expect(db().get(USERS_TABLE, USER_SUB)).toMatchObject({ userId: USER_SUB, phone: '+14155550123', phoneVerified: false });
  });

  it.each([
    ['malformed JSON', '{"email": "ada@example.com", ', 'body'],
    ['a missing password', { email: ada.email, name: ada.name }, 'password'],
    ['a missing email', { password: PASSWORD, name: ada.name }, 'email'],
    ['an email that is not one', { ...ada, email: 'ada-at-example.com' }, 'email'],
    // Cognito's username holds 128 characters: a longer address is refused here, naming `email`.
    ['an email over 128 characters', { ...ada, email: `${'a'.repeat(64)}@${'b'.repeat(60)}.com` }, 'email'],
    ['a name that is a number', { ...ada, name: 42 }, 'name'],
    ['a blank name', { ...ada, name: '  ' }, 'name'],
    ['an unknown field', { ...ada, role: 'ADMIN' }, 'role'],
    ['a phone number not in E.164 form', { ...ada, phone: '0415 555 0123' }, 'phone'],
    ['a name with a link', { ...ada, name: 'Ada https://evil.example/login' }, 'name'],
    ['a name shaped like a domain', { ...ada, name: 'Prize at evil.com' }, 'name'],
    ['a name with www.', { ...ada, name: 'www.evil' }, 'name'],
    ['a name with an @', { ...ada, name: 'ada@evil' }, 'name'],
    ['a name with control characters', { ...ada, name: 'Ada\r\nBcc: victim' }, 'name'],
    ['a name with a right-to-left override', { ...ada, name: 'Ada\u202Etxt.exe' }, 'name'],
    ['a password over 256 characters', { ...ada, password: `Aa1${'x'.repeat(300)}` }, 'password'],
  ])('answers 400 naming the field for %s, and creates nothing', async (_, body, field) => {
    const res = await register(body);
    expect(res.status).toBe(400);
    const details = (res.body as { error: { details: { field: string }[] } }).error.details;
    expect(details.map((d) => d.field)).toContain(field);
    nothingSent();
  });

  it('answers 413 to a body over 64 KB, and creates nothing', async () => {
    const res = await register({ ...ada, name: 'n'.repeat(70_000) });
    expect(res.status).toBe(413);
    nothingSent();
  });
});
