import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, TransactionCanceledException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createLogger, logger } from '@shop/common';
import { invokeAnswer, lambdaContext, useFakeDynamoDB } from '@shop/testing';
import { InvalidEventError } from '@shop/events';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { numberKey } from '../../src/adapters/dynamodb-message-counter';
import { handler } from '../../src/handlers/send-notification';
import { service } from '../../src/service';
import { ANN, events, snsEvent } from '../fixtures';

const lambda = mockClient(LambdaClient);
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const ddb = mockClient(DynamoDBClient);
const TABLE = 'shop-test-notification-service-sent-notifications';
const COUNTS = 'shop-test-notification-service-message-counts';
// The message counters live behind the document client, faked.
const { ddb: documents, db: counts } = useFakeDynamoDB({ [COUNTS]: 'id' }, {}, { grantedTo: [service, 'send-notification'] });

const contactAnswer = invokeAnswer;

beforeEach(() => {
  for (const mock of [lambda, ses, sns, ddb]) mock.reset();
  vi.stubEnv('SENT_NOTIFICATIONS_TABLE', TABLE);
  vi.stubEnv('MESSAGE_COUNTS_TABLE', COUNTS);
  vi.stubEnv('USER_SERVICE_GET_CONTACT_FUNCTION', 'shop-test-user-service-get-contact');
  vi.stubEnv('EMAIL_FROM', 'orders@shop.example');
  lambda.on(InvokeCommand).resolves(contactAnswer(ANN));
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  // The raw client carries Powertools' idempotency records (its own protocol, in attribute-value form): these tests only
  // check which records it writes; how they keep a redelivery from sending twice is proven on DynamoDB Local
  // (test/integration/once-per-notification.integration.test.ts).
  ddb.on(PutItemCommand).resolves({});
  ddb.on(UpdateItemCommand).resolves({});
  ddb.on(DeleteItemCommand).resolves({});
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});
afterAll(() => [lambda, ses, sns, ddb].forEach((m) => m.restore()));

const contact = (changes: Record<string, unknown>) => lambda.on(InvokeCommand).resolves(contactAnswer({ ...ANN, ...changes }));
const HOUR = '2026-12-01T10';
/** What Ann's number is counted under. */
const NUMBER = numberKey(ANN.phone);
/** Sends `handler` the event at 10:42 in the hour whose counters the tests read. */
async function handleAt42(event: ReturnType<typeof snsEvent>): Promise<void> {
  vi.useFakeTimers({ now: new Date(`${HOUR}:42:00.000Z`), toFake: ['Date'] });
  try {
    return await handler(event, lambdaContext('send-notification'));
  } finally {
    vi.useRealTimers();
  }
}

type LogLine = { level: string; message: string; [key: string]: unknown };

/** What the handler logs from here on, as the JSON lines Lambda would ship: read them with the answered function. */
function captureLogs(): () => LogLine[] {
  const lines: string[] = [];
  const capture = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
  capture.level = 'debug';
  vi.spyOn(logger, 'child').mockImplementation(((bindings: Record<string, unknown>) => capture.child(bindings)) as typeof logger.child);
  return () => lines.map((line) => JSON.parse(line) as LogLine);
}

describe('send-notification', () => {
  it('e-mails the customer from the shop, and texts them, for the order event SNS delivers', async () => {
    await handler(snsEvent(events.paid()), lambdaContext('send-notification'));

    const contactCall = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(contactCall).toMatchObject({ FunctionName: 'shop-test-user-service-get-contact', InvocationType: 'RequestResponse' });
    expect(JSON.parse(Buffer.from(contactCall!.Payload as Uint8Array).toString())).toEqual({ userId: ANN.userId, correlationId: 'corr-1' });
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).toMatchObject({
      FromEmailAddress: 'orders@shop.example',
      Destination: { ToAddresses: ['ann@example.com'] },
      Content: { Simple: { Subject: { Data: 'Order 6F1C3F0E is paid' } } },
    });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toMatchObject({ PhoneNumber: '+14155550123', Message: expect.stringContaining('is paid') });
    // Powertools records each send in progress, then done: one record per event and channel.
    const records = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    expect(records.map((r) => r.TableName)).toEqual([TABLE, TABLE]);
    expect(records.map((r) => r.Item?.['status']?.S)).toEqual(['INPROGRESS', 'INPROGRESS']);
    expect(new Set(records.map((r) => r.Item?.['id']?.S)).size).toBe(2);
    expect(ddb.commandCalls(UpdateItemCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':status']?.S)).toEqual(['COMPLETED', 'COMPLETED']);
  });

  it("counts each message against the account's hourly limit on its channel, and a text against its number's too, in one transaction", async () => {
    await handleAt42(snsEvent(events.paid()));
    const updates = [
      ...documents.commandCalls(UpdateCommand).map((c) => c.args[0].input),
      ...documents.commandCalls(TransactWriteCommand).flatMap((c) => (c.args[0].input.TransactItems ?? []).map((item) => item.Update)),
    ];
    expect(updates.map((c) => c?.Key)).toEqual([{ id: `${ANN.userId}#email#${HOUR}` }, { id: `${ANN.userId}#sms#${HOUR}` }, { id: `${NUMBER}#sms#${HOUR}` }]);
    expect(updates[0]).toMatchObject({
      TableName: COUNTS,
      UpdateExpression: 'ADD #sent :one SET #expiresAt = :expiresAt',
      ConditionExpression: 'attribute_not_exists(#sent) OR #sent < :limit',
      ExpressionAttributeValues: { ':one': 1, ':limit': 20, ':expiresAt': Date.parse('2026-12-01T12:00:00.000Z') / 1000 },
    });
    for (const text of updates.slice(1)) expect(text).toMatchObject({ TableName: COUNTS, ConditionExpression: 'attribute_not_exists(#sent) OR #sent < :limit', ExpressionAttributeValues: { ':limit': 10 } });
    expect(documents.commandCalls(TransactWriteCommand)).toHaveLength(1);
    const expiresAt = Date.parse('2026-12-01T12:00:00.000Z') / 1000;
    expect(counts().items(COUNTS)).toEqual([
      { id: `${ANN.userId}#email#${HOUR}`, sent: 1, expiresAt },
      { id: `${ANN.userId}#sms#${HOUR}`, sent: 1, expiresAt },
      { id: `${NUMBER}#sms#${HOUR}`, sent: 1, expiresAt },
    ]);
    // The number is counted under its hash, never written out.
    expect(JSON.stringify(counts().items(COUNTS))).not.toContain('4155550123');
  });

  it('sends nothing to channels the customer has not verified, counts nothing, and succeeds', async () => {
    contact({ emailVerified: false, phoneVerified: false });
    const logged = captureLogs();
    await expect(handler(snsEvent(events.paid()), lambdaContext('send-notification'))).resolves.toBeUndefined();
    expect(ses.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
    expect(documents.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
    expect(logged().filter((l) => l.reason === 'unverified').map((l) => l.channel)).toEqual(['email', 'sms']);
  });

  it("skips a message over the account's hourly limit, logs it at warn, and succeeds", async () => {
    const atTheLimit = [
      { id: `${ANN.userId}#email#${HOUR}`, sent: 20, expiresAt: 0 },
      { id: `${ANN.userId}#sms#${HOUR}`, sent: 10, expiresAt: 0 },
    ];
    for (const counter of atTheLimit) counts().put(COUNTS, counter);
    const logged = captureLogs();
    await expect(handleAt42(snsEvent(events.paid()))).resolves.toBeUndefined();
    expect(ses.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
    expect(logged().filter((l) => l.level === 'warn')).toEqual([
      expect.objectContaining({ channel: 'email', reason: 'over-limit', limit: 20, eventId: events.paid().id }),
      expect.objectContaining({ channel: 'sms', reason: 'over-limit', limit: 10 }),
    ]);
    expect(counts().items(COUNTS)).toEqual(atTheLimit);
    // The skip is remembered like a send: a redelivery neither counts nor sends.
    expect(ddb.commandCalls(UpdateItemCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':status']?.S)).toEqual(['COMPLETED', 'COMPLETED']);
  });

  it("skips a text over the number's hourly limit, whichever accounts spent it: nothing sent, nothing counted, logged at warn, and succeeds", async () => {
    // Other accounts verified on Ann's number had ten texts sent to it this hour; Ann's account has had none.
    const numberFull = { id: `${NUMBER}#sms#${HOUR}`, sent: 10, expiresAt: 0 };
    counts().put(COUNTS, numberFull);
    const logged = captureLogs();
    await expect(handleAt42(snsEvent(events.cancelled()))).resolves.toBeUndefined();
    expect(sns.calls()).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(logged().filter((l) => l.level === 'warn')).toEqual([expect.objectContaining({ channel: 'sms', reason: 'number-over-limit', limit: 10, eventId: events.cancelled().id })]);
    expect(JSON.stringify(logged())).not.toContain('4155550123');
    // Neither counter moved: the account's SMS counter was not even made.
    expect(counts().items(COUNTS)).toEqual([numberFull, { id: `${ANN.userId}#email#${HOUR}`, sent: 1, expiresAt: Date.parse('2026-12-01T12:00:00.000Z') / 1000 }]);
    // The skip is remembered like a send: a redelivery neither counts nor sends.
    expect(ddb.commandCalls(UpdateItemCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':status']?.S)).toEqual(['COMPLETED', 'COMPLETED']);
  });

  it("tries a text's count again when another text held its number's counter at that moment (TransactionConflict), and sends it once", async () => {
    counts().failNext(
      TransactWriteCommand,
      new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }] }),
    );
    await expect(handleAt42(snsEvent(events.cancelled()))).resolves.toBeUndefined();
    expect(documents.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(counts().items(COUNTS).filter((c) => String(c['id']).endsWith(`#sms#${HOUR}`)).map((c) => c['sent'])).toEqual([1, 1]);
  });

  it('e-mails and texts a refund with its amount', async () => {
    await handler(snsEvent(events.refunded()), lambdaContext('send-notification'));
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Subject?.Data).toBe('We refunded $25.00 for order 6F1C3F0E');
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toBe('Shop: we refunded $25.00 for order 6F1C3F0E (order cancelled).');
  });

  it('rejects an event that fails its schema before looking anything up or sending', async () => {
    const broken = { ...events.paid(), detail: { ...events.paid().detail, total: { amount: 'lots', currency: 'USD' } } };
    await expect(handler(snsEvent(broken), lambdaContext('send-notification'))).rejects.toMatchObject({ name: 'PoisonMessage', cause: expect.any(InvalidEventError) });
    await expect(handler(snsEvent({ type: 'OrderShipped' }), lambdaContext('send-notification'))).rejects.toThrow(/not an event envelope/);
    expect(lambda.calls()).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('fails, and forgets the send, when SES refuses the e-mail, so that Lambda retries it; the SMS goes all the same, once', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    await expect(handler(snsEvent(events.paid()), lambdaContext('send-notification'))).rejects.toMatchObject({ name: 'MessageRejected' });
    // The record of the failed send is deleted, so that Lambda's retry sends it.
    expect(ddb.commandCalls(DeleteItemCommand)).toHaveLength(1);
    // The SMS was sent and its send remembered, so that the retry does not send it again.
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(1);
  });

  it.each([
    [
      'SNS refuses the number',
      () =>
        sns.on(PublishCommand).rejects(
          Object.assign(new Error('Invalid parameter: PhoneNumber Reason: +14155550123 is not valid to publish to'), { name: 'InvalidParameterException', $fault: 'client' }),
        ),
      'InvalidParameterException',
    ],
    [
      'SES refuses the address',
      () =>
        ses.on(SendEmailCommand).rejects(
          Object.assign(new Error('Email address is not verified. The following identities failed the check in region US-EAST-1: Ann@Example.com'), {
            name: 'MessageRejected',
            $fault: 'client',
          }),
        ),
      'MessageRejected',
    ],
  ])("never writes the customer's address or number into the logs or the error when %s", async (_case, refuse, name) => {
    refuse();
    const logged = captureLogs();
    const error = await handler(snsEvent(events.paid()), lambdaContext('send-notification')).catch((e: unknown) => e);

    expect(error).toMatchObject({ name, $fault: 'client' });
    const written = JSON.stringify(logged()) + String((error as Error).message) + String((error as Error).stack);
    expect(logged().some((l) => l.level === 'error')).toBe(true);
    for (const personal of ['4155550123', 'ann@example.com']) expect(written.toLowerCase()).not.toContain(personal);
    expect(written).toMatch(/\+1415•••0123|a•••@example\.com/);
  });

  // It used to fail (and, after Lambda's retries, fill the dead-letter queue and page someone). A
  // customer user-service does not know deleted their account (DELETE /users/me) while an order of
  // theirs was on its way: there is no one to tell, and a retry would find no one either.
  it('sends nothing and succeeds, with a line at info, when user-service does not know the customer: they deleted their account', async () => {
    lambda.on(InvokeCommand).resolves(contactAnswer({ errorType: 'UserNotFound', errorMessage: 'no user user-ann' }, 'Unhandled'));
    const logged = captureLogs();

    await expect(handler(snsEvent(events.paid()), lambdaContext('send-notification'))).resolves.toBeUndefined();

    expect(ses.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
    expect(logged()).toContainEqual(
      expect.objectContaining({ level: 'info', message: 'nothing sent: the customer deleted their account, and there is no one to tell', userId: ANN.userId }),
    );
    expect(logged().filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
  });

  it('still fails when get-contact fails any other way, for Lambda to retry', async () => {
    lambda.on(InvokeCommand).resolves(contactAnswer({ errorType: 'Error', errorMessage: 'DynamoDB is down' }, 'Unhandled'));
    await expect(handler(snsEvent(events.paid()), lambdaContext('send-notification'))).rejects.toThrow(/get-contact failed with Error/);
    expect(ses.calls()).toHaveLength(0);
  });
});
