import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CONFLICT_ATTEMPTS } from '@shop/aws';
import { httpRoute } from '@shop/platform';
import { accessTokenClaims, invokeHandler, routeEvent, useFakeDynamoDB } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SMS_CODES_PER_HOUR } from '../../src/domain/contact-verification';
import { handler } from '../../src/handlers/request-verification';
import { service } from '../../src/service';
import { captureLogs, EMAIL_FROM, TABLE_KEYS, USERS_TABLE, VERIFICATIONS_TABLE, withUserServiceEnv } from '../fixtures';

const { ddb, db } = useFakeDynamoDB(TABLE_KEYS, {}, { grantedTo: [service, 'request-verification'] });
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const route = httpRoute(service, 'request-verification');
const USER_ID = '7d1f6a52-3b0c-4e9a-a1d2-5c6b7a8e9f00';
const NOW = new Date('2026-03-01T10:00:00.000Z');
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

beforeEach(() => {
  for (const mock of [ses, sns]) mock.reset();
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
  db().put(USERS_TABLE, profile);
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
});
afterEach(() => vi.useRealTimers());
afterAll(() => [ses, sns].forEach((m) => m.restore()));

const ask = (body: unknown, claims: ReturnType<typeof accessTokenClaims> | null = accessTokenClaims({ userId: USER_ID, roles: ['CUSTOMER'] })) =>
  invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { body, ...(claims && { claims }) }));
const sentEmail = () => ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
const verification = (channel = 'email') => db().get(VERIFICATIONS_TABLE, { userId: USER_ID, channel });
const codeIn = (text: string | undefined) => /verification code is (\d{6})/.exec(text ?? '')?.[1];
/** Every write the function sent to DynamoDB, of any kind. */
const writes = () => [...ddb.commandCalls(PutCommand), ...ddb.commandCalls(TransactWriteCommand), ...ddb.commandCalls(UpdateCommand)];
type LogLine = { level: string; message: string; [key: string]: unknown };

describe('POST /users/me/verification', () => {
  it("e-mails a code to the caller's own address from the shop's sender, and answers 202 where it went, masked, and until when", async () => {
    const res = await ask({ channel: 'email' });

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ channel: 'email', sentTo: 'a***@example.com', expiresAt: '2026-03-01T10:10:00.000Z' });
    expect(ddb.commandCalls(GetCommand, { TableName: USERS_TABLE })[0]?.args[0].input.Key).toEqual({ userId: USER_ID });
    expect(sentEmail()).toMatchObject({
      FromEmailAddress: EMAIL_FROM,
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: { Simple: { Subject: { Data: 'Your Shop verification code' } } },
    });
    expect(codeIn(sentEmail()?.Content?.Simple?.Body?.Text?.Data)).toMatch(/^\d{6}$/);
    expect(sns.calls()).toHaveLength(0);
  });

  it('stores the code hashed, with its expiry and the send, only if no one wrote the verification meanwhile', async () => {
    await ask({ channel: 'email' });
    const code = codeIn(sentEmail()?.Content?.Simple?.Body?.Text?.Data)!;
    const [put, sendsPut] = (ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? []).map((item) => item.Put);
    expect(put).toMatchObject({
      TableName: VERIFICATIONS_TABLE,
      Item: {
        userId: USER_ID,
        channel: 'email',
        sentTo: 'ada@example.com',
        codeSalt: expect.any(String),
        codeHash: expect.any(String),
        codeExpiresAt: '2026-03-01T10:10:00.000Z',
        wrongTries: 0,
        sentAt: ['2026-03-01T10:00:00.000Z'],
        forgetAt: NOW.getTime() / 1000 + 3600,
        version: 1,
      },
      ConditionExpression: 'attribute_not_exists(userId)',
    });
    // In the same transaction, the send counted against the address, whichever account asks; the address itself is not kept.
    expect(sendsPut).toMatchObject({
      TableName: VERIFICATIONS_TABLE,
      Item: { userId: expect.stringMatching(/^sent-to#[0-9a-f]{64}$/), channel: 'email', sentAt: ['2026-03-01T10:00:00.000Z'], forgetAt: NOW.getTime() / 1000 + 3600, version: 1 },
      ConditionExpression: 'attribute_not_exists(userId)',
    });
    expect(JSON.stringify(sendsPut)).not.toContain('ada@example.com');
    expect(JSON.stringify([put, sendsPut])).not.toContain(code);
    // Then, once the code went, when it went (below).
    expect(verification()).toEqual({ ...put?.Item, deliveredAt: NOW.toISOString(), version: 2 });
  });

  it('records when the code went, only over the version it wrote: a newer request’s code would not be overwritten', async () => {
    await ask({ channel: 'email' });
    const [update] = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(update).toEqual({
      TableName: VERIFICATIONS_TABLE,
      Key: { userId: USER_ID, channel: 'email' },
      UpdateExpression: 'SET #deliveredAt = :deliveredAt, #version = :next',
      ConditionExpression: '#version = :written',
      ExpressionAttributeNames: { '#deliveredAt': 'deliveredAt', '#version': 'version' },
      ExpressionAttributeValues: { ':deliveredAt': NOW.toISOString(), ':written': 1, ':next': 2 },
    });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
    // After the send, never before it.
    expect(ddb.calls().at(-1)?.args[0]).toBeInstanceOf(UpdateCommand);
    expect(verification()).toMatchObject({ deliveredAt: NOW.toISOString(), version: 2 });
  });

  it('answers as usual, warning of nothing, when a newer request wrote the verification before the delivery was recorded', async () => {
    const theirs = { userId: USER_ID, channel: 'email', sentTo: 'ada@example.com', codeSalt: 'c2FsdA==', codeHash: 'aGFzaA==', codeExpiresAt: '2026-03-01T10:10:00.000Z', wrongTries: 0, sentAt: [NOW.toISOString(), NOW.toISOString()], forgetAt: 0, version: 2 };
    db().beforeNext(UpdateCommand, () => db().put(VERIFICATIONS_TABLE, theirs));
    const { lines } = captureLogs();
    const res = await ask({ channel: 'email' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ channel: 'email', sentTo: 'a***@example.com', expiresAt: '2026-03-01T10:10:00.000Z' });
    expect(verification()).toEqual(theirs);
    const logged = lines.map((line) => JSON.parse(line) as LogLine);
    expect(logged.filter((line) => line.level !== 'info' && line.level !== 'debug')).toEqual([]);
    expect(logged).toContainEqual(expect.objectContaining({ message: 'verification code sent', repeated: false }));
  });

  it.each([
    ['email', () => ses.commandCalls(SendEmailCommand)],
    ['sms', () => sns.commandCalls(PublishCommand)],
  ] as const)('answers a resend (%s) within a minute of the delivery with that code, sending, writing and counting nothing', async (channel, sends) => {
    const first = await ask({ channel });
    const stored = db().items(VERIFICATIONS_TABLE);
    const written = writes().length;

    vi.setSystemTime(NOW.getTime() + 59_000);
    const { lines } = captureLogs();
    const again = await ask({ channel });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(sends()).toHaveLength(1);
    expect(ses.calls().length + sns.calls().length).toBe(1);
    expect(writes()).toHaveLength(written);
    expect(db().items(VERIFICATIONS_TABLE)).toEqual(stored);
    expect(lines.map((line) => JSON.parse(line) as LogLine)).toContainEqual(
      expect.objectContaining({ level: 'info', message: 'verification code asked for again while on its way or within a minute of its delivery: answered with it, nothing sent', repeated: true }),
    );

    // A minute after the delivery, a new code goes.
    vi.setSystemTime(NOW.getTime() + 61_000);
    expect((await ask({ channel })).body).toMatchObject({ expiresAt: '2026-03-01T10:11:01.000Z' });
    expect(sends()).toHaveLength(2);
  });

  it('answers a repeat while the code is on its way (written 5 s ago, no delivery yet) with that code, sending and writing nothing; after a failed send, sends a new one', async () => {
    const onItsWay = { userId: USER_ID, channel: 'sms', sentTo: '+14155550123', codeSalt: 'c2FsdA==', codeHash: 'aGFzaA==', codeExpiresAt: '2026-03-01T10:09:55.000Z', wrongTries: 0, sentAt: ['2026-03-01T09:59:55.000Z'], forgetAt: 0, version: 1 };
    db().put(VERIFICATIONS_TABLE, onItsWay);
    const again = await ask({ channel: 'sms' });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ channel: 'sms', sentTo: '+1******0123', expiresAt: '2026-03-01T10:09:55.000Z' });
    expect(sns.calls()).toHaveLength(0);
    expect(writes()).toHaveLength(0);

    db().put(VERIFICATIONS_TABLE, { ...onItsWay, sendFailedAt: '2026-03-01T09:59:57.000Z', version: 2 });
    expect((await ask({ channel: 'sms' })).body).toMatchObject({ expiresAt: '2026-03-01T10:10:00.000Z' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('texts the code to the phone, as a transactional SMS', async () => {
    const res = await ask({ channel: 'sms' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ channel: 'sms', sentTo: '+1******0123' });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toMatchObject({
      PhoneNumber: '+14155550123',
      Message: expect.stringMatching(/^Shop: your verification code is \d{6}\. It expires in 10 minutes\./),
      MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
    });
    expect(ses.calls()).toHaveLength(0);
  });

  it('never logs the code', async () => {
    const { lines } = captureLogs();
    await ask({ channel: 'email' });
    await ask({ channel: 'sms' });
    const codes = [codeIn(sentEmail()?.Content?.Simple?.Body?.Text?.Data), codeIn(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message)];
    expect(lines.length).toBeGreaterThan(0);
    for (const code of codes) expect(lines.join('\n')).not.toContain(code);
    expect(lines.join('\n')).toContain('a***@example.com');
  });

  it('answers 409 ALREADY_VERIFIED for a verified channel, sending nothing', async () => {
    db().put(USERS_TABLE, { ...profile, emailVerified: true });
    const res = await ask({ channel: 'email' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'ALREADY_VERIFIED', message: 'Your e-mail address is verified already' } });
    expect(ses.calls()).toHaveLength(0);
    expect([...ddb.commandCalls(PutCommand), ...ddb.commandCalls(TransactWriteCommand)]).toHaveLength(0);
    expect(db().items(VERIFICATIONS_TABLE)).toEqual([]);
  });

  it('answers 400 NO_PHONE for sms on an account without a phone number', async () => {
    const { phone: _, phoneVerified: __, ...noPhone } = profile;
    db().put(USERS_TABLE, noPhone);
    const res = await ask({ channel: 'sms' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'NO_PHONE', details: [{ field: 'channel' }] } });
    expect(sns.calls()).toHaveLength(0);
  });

  it('answers 429 with Retry-After once five codes went out on the channel in the last hour, sending nothing', async () => {
    const sentAt = ['09:10', '09:20', '09:30', '09:40', '09:50'].map((t) => `2026-03-01T${t}:00.000Z`);
    const limited = { userId: USER_ID, channel: 'email', sentTo: 'ada@example.com', codeExpiresAt: '2026-03-01T10:00:00.000Z', wrongTries: 0, sentAt, forgetAt: 0, version: 5 };
    db().put(VERIFICATIONS_TABLE, limited);
    const res = await ask({ channel: 'email' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('600');
    expect(res.body).toMatchObject({ error: { code: 'TOO_MANY_REQUESTS' } });
    expect(ses.calls()).toHaveLength(0);
    expect([...ddb.commandCalls(PutCommand), ...ddb.commandCalls(TransactWriteCommand)]).toHaveLength(0);
    expect(verification()).toEqual(limited);
  });

  it("counts a text in the shop's hour in the same transaction, only while the hour is below its limit; an e-mail code does not", async () => {
    await ask({ channel: 'sms' });
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    // The code, the number's sends, the shop's hour, and the check that the account still exists.
    expect(items).toHaveLength(4);
    expect(items[3]?.ConditionCheck).toEqual({ TableName: USERS_TABLE, Key: { userId: USER_ID }, ConditionExpression: 'attribute_exists(userId)' });
    expect(items[2]?.Update).toEqual({
      TableName: VERIFICATIONS_TABLE,
      Key: { userId: 'shop#2026-03-01T10', channel: 'sms' },
      UpdateExpression: 'ADD #sent :one SET #forgetAt = :forgetAt',
      ConditionExpression: 'attribute_not_exists(#sent) OR #sent < :limit',
      ExpressionAttributeNames: { '#sent': 'sent', '#forgetAt': 'forgetAt' },
      ExpressionAttributeValues: { ':one': 1, ':limit': SMS_CODES_PER_HOUR, ':forgetAt': Date.parse('2026-03-01T12:00:00.000Z') / 1000 },
    });
    expect(db().get(VERIFICATIONS_TABLE, { userId: 'shop#2026-03-01T10', channel: 'sms' })).toEqual({
      userId: 'shop#2026-03-01T10',
      channel: 'sms',
      sent: 1,
      forgetAt: Date.parse('2026-03-01T12:00:00.000Z') / 1000,
    });

    await ask({ channel: 'email' });
    const email = ddb.commandCalls(TransactWriteCommand)[1]?.args[0].input.TransactItems ?? [];
    expect(email.filter((item) => item.Update)).toEqual([]);
    expect(email).toHaveLength(3);
  });

  it("answers 429 SHOP_SMS_LIMIT_REACHED until the next hour once the shop's hour is full, for an account and a number that never had a code, texting and counting nothing, and warns", async () => {
    const full = { userId: 'shop#2026-03-01T10', channel: 'sms', sent: SMS_CODES_PER_HOUR, forgetAt: Date.parse('2026-03-01T12:00:00.000Z') / 1000 };
    db().put(VERIFICATIONS_TABLE, full);
    vi.setSystemTime(Date.parse('2026-03-01T10:45:00.000Z'));
    const { lines } = captureLogs();
    const res = await ask({ channel: 'sms' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe(String(15 * 60));
    expect(res.body).toEqual({
      error: { code: 'SHOP_SMS_LIMIT_REACHED', message: 'The shop is sending too many text messages right now; try again later, or verify your e-mail address' },
    });
    expect(sns.calls()).toHaveLength(0);
    // Nothing of the refused request was kept: not the account's code, not the number's count, not the shop's.
    expect(db().items(VERIFICATIONS_TABLE)).toEqual([full]);
    const warnings = lines.map((line) => JSON.parse(line) as LogLine).filter((line) => line.level === 'warn');
    expect(warnings).toEqual([expect.objectContaining({ channel: 'sms', hour: '2026-03-01T10', limit: SMS_CODES_PER_HOUR })]);
    expect(lines.join('\n')).not.toContain('+14155550123');

    // E-mail codes go as ever.
    expect((await ask({ channel: 'email' })).status).toBe(202);
    // The next hour's texts have a count of their own.
    vi.setSystemTime(Date.parse('2026-03-01T11:00:00.000Z'));
    expect((await ask({ channel: 'sms' })).status).toBe(202);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it("tries the transaction again when another request held the shop's count at that moment (TransactionConflict), and answers 429 Retry-After 1 when it keeps conflicting", async () => {
    const conflict = () =>
      new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'TransactionConflict' }] });
    db().failNext(TransactWriteCommand, conflict());
    expect((await ask({ channel: 'sms' })).status).toBe(202);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);

    vi.setSystemTime(Date.parse('2026-03-01T10:05:00.000Z'));
    for (let i = 0; i < CONFLICT_ATTEMPTS; i++) db().failNext(TransactWriteCommand, conflict());
    const busy = await ask({ channel: 'sms' });
    expect(busy.status).toBe(429);
    expect(busy.headers['retry-after']).toBe('1');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('answers 404, writing and sending nothing, when the account was deleted after the request read its profile', async () => {
    db().beforeNext(TransactWriteCommand, () => db().delete(USERS_TABLE, { userId: USER_ID }));
    const res = await ask({ channel: 'sms' });
    expect(res.status).toBe(404);
    expect(sns.calls()).toHaveLength(0);
    // Neither the code nor the number it would have gone to is written back for the deleted account.
    expect(verification('sms')).toBeUndefined();
  });

  it('answers 429 and sends nothing when another request wrote the verification meanwhile', async () => {
    const theirs = { userId: USER_ID, channel: 'email', sentTo: 'ada@example.com', codeExpiresAt: '2026-03-01T10:10:00.000Z', wrongTries: 0, sentAt: [NOW.toISOString()], forgetAt: 0, version: 1 };
    db().beforeNext(TransactWriteCommand, () => db().put(VERIFICATIONS_TABLE, theirs));
    const res = await ask({ channel: 'email' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(ses.calls()).toHaveLength(0);
    expect(verification()).toEqual(theirs);
  });

  it.each([
    ['SES refuses the message', 'email', 'Email address is not verified.', () => ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }))],
    ['SES does not answer', 'email', 'socket hang up', () => ses.on(SendEmailCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))],
    ['SNS fails the SMS', 'sms', 'We encountered an internal error', () => sns.on(PublishCommand).rejects(Object.assign(new Error('We encountered an internal error'), { name: 'InternalErrorException', $metadata: { httpStatusCode: 500 } }))],
  ] as const)('answers 503 CODE_NOT_SENT with Retry-After when %s, having counted the code against the limit', async (_, channel, cause, fail) => {
    fail();
    const { lines } = captureLogs();
    const res = await ask({ channel });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body).toEqual({
      error: {
        code: 'CODE_NOT_SENT',
        message: `Your code could not be sent to your ${channel === 'email' ? 'e-mail address' : 'phone number'} right now; try again in 30 seconds (each try counts toward the five codes an hour)`,
      },
    });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    // Not delivered, and the failure noted over the version the request wrote: the next request sends a new code at once.
    expect(verification(channel)).toMatchObject({ sentAt: [NOW.toISOString()], sendFailedAt: NOW.toISOString(), version: 2 });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({ ConditionExpression: '#version = :read', ExpressionAttributeValues: { ':read': 1 } });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(verification(channel)?.['deliveredAt']).toBeUndefined();
    // The operator sees why, without the address or the number it went to.
    const logged = lines.join('\n');
    expect(logged).toContain(cause);
    expect(logged).not.toContain('ada@example.com');
    expect(logged).not.toContain('+14155550123');
  });

  it('answers 401 without a signed-in caller, reading and sending nothing', async () => {
    const res = await ask({ channel: 'email' }, null);
    expect(res.status).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
  });

  it.each([
    ['an unknown channel', { channel: 'pigeon' }, 'channel'],
    ['no channel', {}, 'channel'],
    ["another user's id: the route verifies the caller's own account only", { channel: 'email', userId: 'someone-else' }, 'userId'],
  ])('answers 400 naming the field for %s, reading and sending nothing', async (_, body, field) => {
    const res = await ask(body);
    expect(res.status).toBe(400);
    expect((res.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toContain(field);
    expect(ddb.calls()).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
  });
});
