import {
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
  InternalErrorException,
  TooManyRequestsException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '@shop/contracts';
import { lambdaClient } from '@shop/aws';
import { httpRoute } from '@shop/platform';
import { accessTokenClaims, invokeAnswer, invokeHandler, type JwtClaims, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/handlers/delete-account';
import { service } from '../../src/service';
import { TABLE_KEYS, USER_POOL_ID, USERS_TABLE, VERIFICATIONS_TABLE, withUserServiceEnv } from '../fixtures';

const cognito = mockClient(CognitoIdentityProviderClient);
// The shared client @shop/aws's invoker sends with (user-service names no Lambda SDK of its own).
const lambda = mockClient(lambdaClient());
const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'delete-account'] });
const route = httpRoute(service, 'delete-account');
const FORGET_CUSTOMER_FUNCTION = 'shop-test-cart-service-forget-customer';
withUserServiceEnv();

const ANN = '7d1f6a52-3b0c-4e9a-a1d2-5c6b7a8e9f00';
const BOB = '0e1f6a52-3b0c-4e9a-a1d2-5c6b7a8e9f99';
const profile = (userId: string, email: string) => ({ userId, email, emailVerified: true, name: 'Ann', phone: '+14155550123', phoneVerified: false, role: 'CUSTOMER', createdAt: '2025-01-01T00:00:00.000Z' });
const verification = (userId: string, channel: string, sentTo: string) => ({ userId, channel, sentTo, codeExpiresAt: '2025-01-01T00:10:00.000Z', wrongTries: 0, sentAt: [], forgetAt: 1735693200, version: 1 });
/** The count of codes sent to Ann's number from every account: not hers, and it must outlive her account. */
const sendsToNumber = { userId: 'sent-to#5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8', channel: 'sms', sentAt: ['2025-01-01T00:00:00.000Z'], forgetAt: 1735693200, version: 1 };

/** The steps as they reached AWS, in order. */
let steps: string[];
beforeEach(() => {
  vi.stubEnv('CART_SERVICE_FORGET_CUSTOMER_FUNCTION', FORGET_CUSTOMER_FUNCTION);
  cognito.reset();
  lambda.reset();
  steps = [];
  lambda.onAnyCommand().callsFake(() => (steps.push('forget-customer'), invokeAnswer({ forgotten: true })));
  cognito.on(AdminDeleteUserCommand).callsFake(() => (steps.push('AdminDeleteUser'), {}));
  db().put(USERS_TABLE, profile(ANN, 'ann@example.com'));
  db().put(USERS_TABLE, profile(BOB, 'bob@example.com'));
  db().put(VERIFICATIONS_TABLE, verification(ANN, 'email', 'ann@example.com'));
  db().put(VERIFICATIONS_TABLE, verification(ANN, 'sms', '+14155550123'));
  db().put(VERIFICATIONS_TABLE, verification(BOB, 'email', 'bob@example.com'));
  db().put(VERIFICATIONS_TABLE, sendsToNumber);
});
afterAll(() => {
  cognito.restore();
  lambda.restore();
});

const ann = (roles: readonly Role[] = ['CUSTOMER']) => accessTokenClaims({ userId: ANN, roles, username: 'ann@example.com' });
const deleteMe = (claims: JwtClaims | null = ann(), body?: unknown) =>
  invokeHandler<Record<string, unknown> | undefined>(handler, routeEvent(route, { ...(claims ? { claims } : {}), ...(body === undefined ? {} : { body }) }));
const annsData = () => ({
  profile: db().get(USERS_TABLE, ANN),
  email: db().get(VERIFICATIONS_TABLE, { userId: ANN, channel: 'email' }),
  sms: db().get(VERIFICATIONS_TABLE, { userId: ANN, channel: 'sms' }),
});
const nothingOfAnn = { profile: undefined, email: undefined, sms: undefined };
const cognitoError = <E>(Type: new (o: { message: string; $metadata: object }) => E, message: string) => new Type({ message, $metadata: { httpStatusCode: 400 } });
const transactions = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input);

describe('DELETE /users/me', () => {
  it("is a customer's route on their own account, and may read the profile's role and delete only: the two tables' items, the pool user, and (through cart-service) the cart", () => {
    expect(route).toMatchObject({ method: 'DELETE', path: '/users/me', auth: { kind: 'signed-in', roles: ['CUSTOMER'] }, response: { status: 204 } });
    // No body, no path or query: nothing in the request names whose account it is.
    expect(route).not.toHaveProperty('request');
    expect(service.functions['delete-account'].permissions).toEqual({
      tables: { users: ['GetItem', 'DeleteItem'], 'contact-verifications': ['DeleteItem'] },
      userPool: ['AdminDeleteUser'],
      invokes: ['cart-service/forget-customer'],
    });
  });

  it("deletes the caller's verification codes and profile in one transaction, then their user in the pool, then their cart, and answers 204", async () => {
    db().beforeNext(TransactWriteCommand, () => steps.push('TransactWrite'));

    const res = await deleteMe();

    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(steps).toEqual(['TransactWrite', 'AdminDeleteUser', 'forget-customer']);
    const invoke = lambda.calls()[0]?.args[0].input as { FunctionName?: string; InvocationType?: string; Payload?: Uint8Array };
    expect(invoke).toMatchObject({ FunctionName: FORGET_CUSTOMER_FUNCTION, InvocationType: 'RequestResponse' });
    expect(JSON.parse(Buffer.from(invoke?.Payload as Uint8Array).toString())).toEqual({ userId: ANN, correlationId: res.headers['x-correlation-id'] });
    expect(transactions()).toEqual([
      {
        TransactItems: [
          { Delete: { TableName: VERIFICATIONS_TABLE, Key: { userId: ANN, channel: 'email' } } },
          { Delete: { TableName: VERIFICATIONS_TABLE, Key: { userId: ANN, channel: 'sms' } } },
          { Delete: { TableName: USERS_TABLE, Key: { userId: ANN } } },
        ],
      },
    ]);
    // By the sub, which the token carries whatever its username claim says.
    expect(cognito.commandCalls(AdminDeleteUserCommand)[0]?.args[0].input).toEqual({ UserPoolId: USER_POOL_ID, Username: ANN });
    expect(annsData()).toEqual(nothingOfAnn);
  });

  it("touches nobody else's data, nor the count of codes sent to the customer's number, which must outlive the account", async () => {
    await deleteMe();
    expect(db().get(USERS_TABLE, BOB)).toEqual(profile(BOB, 'bob@example.com'));
    expect(db().get(VERIFICATIONS_TABLE, { userId: BOB, channel: 'email' })).toBeDefined();
    expect(db().get(VERIFICATIONS_TABLE, { userId: sendsToNumber.userId, channel: 'sms' })).toEqual(sendsToNumber);
  });

  it('takes no user id: a body naming another user is not read, and only the caller is deleted', async () => {
    const res = await deleteMe(ann(), { userId: BOB });
    expect(res.status).toBe(204);
    expect(db().get(USERS_TABLE, BOB)).toBeDefined();
    expect(cognito.commandCalls(AdminDeleteUserCommand).map((c) => c.args[0].input.Username)).toEqual([ANN]);
  });

  it('answers a repeat after success with 204 as well, while the old token still passes the authorizer: nothing is left to delete', async () => {
    await deleteMe();
    cognito.on(AdminDeleteUserCommand).rejects(cognitoError(UserNotFoundException, 'User does not exist.'));

    const again = await deleteMe();

    expect(again.status).toBe(204);
    expect(annsData()).toEqual(nothingOfAnn);
    // Nothing was made again: the transaction only deletes.
    expect(db().items(USERS_TABLE).map((p) => p['userId'])).toEqual([BOB]);
  });

  it('answers 503 DELETION_INCOMPLETE when cart-service fails, last: the same token sends it again, and that finishes the job', async () => {
    lambda.onAnyCommand().resolves(invokeAnswer({ errorType: 'Error', errorMessage: 'boom' }, 'Unhandled'));

    const res = await deleteMe();

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toEqual({ error: { code: 'DELETION_INCOMPLETE', message: 'Your account could not be deleted completely right now; try again in a moment' } });
    expect(annsData()).toEqual(nothingOfAnn);

    lambda.onAnyCommand().callsFake(() => (steps.push('forget-customer'), invokeAnswer({ forgotten: true })));
    cognito.on(AdminDeleteUserCommand).rejects(cognitoError(UserNotFoundException, 'User does not exist.'));
    expect((await deleteMe()).status).toBe(204);
    expect(steps.filter((step) => step === 'forget-customer')).toHaveLength(1);
  });

  it('answers 503 when cart-service cannot be reached at all', async () => {
    lambda.onAnyCommand().rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    expect((await deleteMe()).status).toBe(503);
  });

  it('refuses, with 403 and deleting nothing, a customer whose profile says they were made staff after their token was issued', async () => {
    db().put(USERS_TABLE, { ...profile(ANN, 'ann@example.com'), role: 'ADMIN' });
    const res = await deleteMe(ann(['CUSTOMER']));
    expect(res.status).toBe(403);
    expect(transactions()).toEqual([]);
    expect(lambda.calls()).toHaveLength(0);
    expect(cognito.calls()).toHaveLength(0);
  });

  it('keeps the user in the pool and the cart when the profile cannot be deleted, and a retry finishes the job', async () => {
    db().failNext(TransactWriteCommand, Object.assign(new Error('Internal server error'), { name: 'InternalServerError' }));

    const failed = await deleteMe();

    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ error: { code: 'DELETION_INCOMPLETE' } });
    expect(cognito.calls()).toHaveLength(0);
    // The cart is not locked while the customer can still sign in.
    expect(lambda.calls()).toHaveLength(0);
    expect(annsData().profile).toBeDefined();

    expect((await deleteMe()).status).toBe(204);
    expect(annsData()).toEqual(nothingOfAnn);
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
  });

  it('tries the transaction again when it conflicts with a verification written at the same moment', async () => {
    db().failNext(
      TransactWriteCommand,
      new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'None' }] }),
    );
    expect((await deleteMe()).status).toBe(204);
    expect(annsData()).toEqual(nothingOfAnn);
  });

  it('answers 503 when the pool fails after the profile went, leaving the cart unlocked, and a retry (with the same token) deletes the user', async () => {
    cognito.on(AdminDeleteUserCommand).rejectsOnce(cognitoError(InternalErrorException, 'internal')).resolves({});

    expect((await deleteMe()).status).toBe(503);
    expect(annsData()).toEqual(nothingOfAnn);
    expect(lambda.calls()).toHaveLength(0);

    expect((await deleteMe()).status).toBe(204);
    expect(cognito.commandCalls(AdminDeleteUserCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: USER_POOL_ID, Username: ANN },
      { UserPoolId: USER_POOL_ID, Username: ANN },
    ]);
  });

  it('answers 429 with Retry-After when Cognito throttles the deletion of the user', async () => {
    cognito.on(AdminDeleteUserCommand).rejects(cognitoError(TooManyRequestsException, 'Too many requests'));
    const res = await deleteMe();
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
  });

  it.each([
    ['a caller without the CUSTOMER role', ['ADMIN']],
    ['a customer who is also an ADMIN', ['CUSTOMER', 'ADMIN']],
    ['a customer who is also a MANAGER', ['CUSTOMER', 'MANAGER']],
  ] satisfies [string, Role[]][])('refuses %s with 403, deleting nothing', async (_who, roles) => {
    const res = await deleteMe(ann(roles));
    expect(res.status).toBe(403);
    expect(lambda.calls()).toHaveLength(0);
    expect(transactions()).toEqual([]);
    expect(cognito.calls()).toHaveLength(0);
  });

  it('answers 401 without a signed-in caller, and deletes nothing', async () => {
    const res = await deleteMe(null);
    expect(res.status).toBe(401);
    expect(lambda.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
    expect(cognito.calls()).toHaveLength(0);
  });
});
