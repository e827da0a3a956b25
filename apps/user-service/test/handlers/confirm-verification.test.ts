import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { httpRoute } from '@shop/platform';
import { User } from '@shop/contracts';
import { accessTokenClaims, invokeHandler, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashCode, type HashedCode } from '../../src/domain/verification-code';
import { handler } from '../../src/handlers/confirm-verification';
import { service } from '../../src/service';
import { captureLogs, TABLE_KEYS, USERS_TABLE, VERIFICATIONS_TABLE, withUserServiceEnv } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'confirm-verification'] });
const route = httpRoute(service, 'confirm-verification');
const USER_ID = '7d1f6a52-3b0c-4e9a-a1d2-5c6b7a8e9f00';
const CODE = '042817';
withUserServiceEnv();

const profile = {
  userId: USER_ID,
  email: 'ada@example.com',
  emailVerified: false,
  name: 'Ada Lovelace',
  phone: '+14155550123',
  phoneVerified: false,
  role: 'CUSTOMER',
  createdAt: '2025-01-01T00:00:00.000Z',
};
let hashed: HashedCode;
const stored = (changes: Record<string, unknown> = {}) => ({
  userId: USER_ID,
  channel: 'email',
  sentTo: 'ada@example.com',
  codeSalt: hashed.salt,
  codeHash: hashed.hash,
  codeExpiresAt: '2026-03-01T10:10:00.000Z',
  wrongTries: 0,
  sentAt: ['2026-03-01T10:00:00.000Z'],
  forgetAt: 1772362800,
  version: 3,
  ...changes,
});

beforeAll(async () => {
  hashed = await hashCode(CODE);
});
beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-03-01T10:05:00.000Z'), toFake: ['Date'] });
  db().put(USERS_TABLE, profile);
  db().put(VERIFICATIONS_TABLE, stored());
});
afterEach(() => vi.useRealTimers());

const confirm = (body: unknown, claims: ReturnType<typeof accessTokenClaims> | null = accessTokenClaims({ userId: USER_ID, roles: ['CUSTOMER'] })) =>
  invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { body, ...(claims && { claims }) }));
const verification = (channel = 'email') => db().get(VERIFICATIONS_TABLE, { userId: USER_ID, channel });

describe('POST /users/me/verification/confirm', () => {
  it('answers 200 with the profile, now verified, for the right code', async () => {
    const res = await confirm({ channel: 'email', code: CODE });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...profile, emailVerified: true });
    expect(User.parse(res.body)).toEqual(res.body);
    expect(db().get(USERS_TABLE, USER_ID)).toEqual({ ...profile, emailVerified: true });
    expect(verification()).toBeUndefined();
  });

  it("sets the flag only while the profile has the address the code went to, and removes the code in the same transaction", async () => {
    await confirm({ channel: 'email', code: CODE });
    expect(ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems).toEqual([
      {
        Update: {
          TableName: USERS_TABLE,
          Key: { userId: USER_ID },
          UpdateExpression: 'SET #verified = :true',
          ConditionExpression: '#address = :sentTo',
          ExpressionAttributeNames: { '#verified': 'emailVerified', '#address': 'email' },
          ExpressionAttributeValues: { ':true': true, ':sentTo': 'ada@example.com' },
        },
      },
      {
        Delete: {
          TableName: VERIFICATIONS_TABLE,
          Key: { userId: USER_ID, channel: 'email' },
          ConditionExpression: '#version = :read',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':read': 3 },
        },
      },
    ]);
  });

  it('verifies the phone through the phone number attribute', async () => {
    db().put(VERIFICATIONS_TABLE, stored({ channel: 'sms', sentTo: '+14155550123' }));
    const res = await confirm({ channel: 'sms', code: CODE });
    expect(db().get(USERS_TABLE, USER_ID)).toMatchObject({ emailVerified: false, phoneVerified: true });
    expect(verification('sms')).toBeUndefined();
    expect(verification('email')).toEqual(stored());
    expect(res.body).toMatchObject({ emailVerified: false, phoneVerified: true });
    expect(ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Update).toMatchObject({
      ExpressionAttributeNames: { '#verified': 'phoneVerified', '#address': 'phone' },
      ExpressionAttributeValues: { ':sentTo': '+14155550123' },
    });
  });

  it('answers 400 INVALID_CODE for a wrong code, counting the try and verifying nothing', async () => {
    const res = await confirm({ channel: 'email', code: '999999' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'INVALID_CODE', message: 'The code is wrong or has expired', details: [{ field: 'code', message: 'wrong or expired' }] } });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      TableName: VERIFICATIONS_TABLE,
      Item: { wrongTries: 1, version: 4, codeHash: hashed.hash },
      ConditionExpression: '#version = :read',
      ExpressionAttributeValues: { ':read': 3 },
    });
    expect(verification()).toMatchObject({ wrongTries: 1, version: 4, codeHash: hashed.hash });
    expect(db().get(USERS_TABLE, USER_ID)).toEqual(profile);
  });

  it('answers an expired code with the same 400 as a wrong one', async () => {
    db().put(VERIFICATIONS_TABLE, stored({ codeExpiresAt: '2026-03-01T10:04:59.000Z' }));
    const expired = await confirm({ channel: 'email', code: CODE });
    db().put(VERIFICATIONS_TABLE, stored());
    const wrong = await confirm({ channel: 'email', code: '999999' });
    expect(expired.status).toBe(400);
    expect(expired.body).toEqual(wrong.body);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(db().get(USERS_TABLE, USER_ID)).toEqual(profile);
  });

  it('burns the code at the fifth wrong try, answering 429, and removes its hash', async () => {
    db().put(VERIFICATIONS_TABLE, stored({ wrongTries: 4 }));
    const res = await confirm({ channel: 'email', code: '999999' });
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ error: { code: 'TOO_MANY_ATTEMPTS' } });
    const item = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({ wrongTries: 5 });
    expect(item).not.toHaveProperty('codeHash');
    expect(item).not.toHaveProperty('codeSalt');
    expect(verification()).toEqual(item);
  });

  it('answers 429 to any code once it is burnt', async () => {
    const { codeSalt: _, codeHash: __, ...burnt } = stored({ wrongTries: 5 });
    db().put(VERIFICATIONS_TABLE, burnt);
    expect((await confirm({ channel: 'email', code: CODE })).status).toBe(429);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 400 INVALID_CODE when the address changed before the write', async () => {
    const changed = { ...profile, email: 'ada@elsewhere.example' };
    db().beforeNext(TransactWriteCommand, () => db().put(USERS_TABLE, changed));
    const res = await confirm({ channel: 'email', code: CODE });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_CODE' } });
    expect(db().get(USERS_TABLE, USER_ID)).toEqual(changed);
    expect(verification()).toEqual(stored());
  });

  it('answers 429 when another request changed the verification meanwhile', async () => {
    db().beforeNext(TransactWriteCommand, () => db().put(VERIFICATIONS_TABLE, stored({ version: 4 })));
    const res = await confirm({ channel: 'email', code: CODE });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(db().get(USERS_TABLE, USER_ID)).toEqual(profile);
  });

  it('answers 409 when the channel is verified already', async () => {
    db().put(USERS_TABLE, { ...profile, emailVerified: true });
    expect((await confirm({ channel: 'email', code: CODE })).status).toBe(409);
  });

  it('never logs the code', async () => {
    const { lines } = captureLogs();
    await confirm({ channel: 'email', code: CODE });
    await confirm({ channel: 'email', code: '999999' });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(CODE);
    expect(lines.join('\n')).not.toContain('999999');
  });

  it("reads the caller's own account only: the user id comes from the token", async () => {
    await confirm({ channel: 'email', code: CODE });
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input.Key?.['userId'])).toEqual([USER_ID, USER_ID]);
  });

  it('answers 401 without a signed-in caller, reading nothing', async () => {
    const res = await confirm({ channel: 'email', code: CODE }, null);
    expect(res.status).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['a code that is not six digits', { channel: 'email', code: '12345' }, 'code'],
    ['no code', { channel: 'email' }, 'code'],
    ['an unknown channel', { channel: 'fax', code: CODE }, 'channel'],
    ["another user's id", { channel: 'email', code: CODE, userId: 'someone-else' }, 'userId'],
  ])('answers 400 naming the field for %s, reading nothing', async (_, body, field) => {
    const res = await confirm(body);
    expect(res.status).toBe(400);
    expect((res.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
  });
});
