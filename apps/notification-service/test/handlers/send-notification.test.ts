import { LambdaClient, InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidEventError } from '@shop/events';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/handlers/send-notification';
import { ANN, events, snsEvent } from '../fixtures';

const lambda = mockClient(LambdaClient);
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const TABLE = 'shop-test-notification-service-sent-notifications';

const contactAnswer = (payload: unknown, functionError?: string): InvokeCommandOutput => ({
  $metadata: {},
  StatusCode: 200,
  ...(functionError ? { FunctionError: functionError } : {}),
  Payload: new TextEncoder().encode(JSON.stringify(payload)) as InvokeCommandOutput['Payload'],
});

beforeEach(() => {
  for (const mock of [lambda, ses, sns, ddb]) mock.reset();
  vi.stubEnv('SENT_NOTIFICATIONS_TABLE', TABLE);
  vi.stubEnv('USER_SERVICE_GET_CONTACT_FUNCTION', 'shop-test-user-service-get-contact');
  vi.stubEnv('EMAIL_FROM', 'orders@shop.example');
  lambda.on(InvokeCommand).resolves(contactAnswer({ ...ANN, phone: '+14155550123' }));
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
});
afterEach(() => vi.unstubAllEnvs());
afterAll(() => [lambda, ses, sns, ddb].forEach((m) => m.restore()));

describe('send-notification', () => {
  it('e-mails the customer from the shop, and texts them, for the order event SNS delivers', async () => {
    await handler(snsEvent(events.paid()));

    const contactCall = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(contactCall).toMatchObject({ FunctionName: 'shop-test-user-service-get-contact', InvocationType: 'RequestResponse' });
    expect(JSON.parse(Buffer.from(contactCall!.Payload as Uint8Array).toString())).toEqual({ userId: ANN.userId, correlationId: 'corr-1' });
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).toMatchObject({
      FromEmailAddress: 'orders@shop.example',
      Destination: { ToAddresses: ['ann@example.com'] },
      Content: { Simple: { Subject: { Data: 'Order 6F1C3F0E is paid' } } },
    });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toMatchObject({ PhoneNumber: '+14155550123', Message: expect.stringContaining('is paid') });
    expect(ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.['notificationId'])).toEqual([
      `${events.paid().id}#email`,
      `${events.paid().id}#sms`,
    ]);
  });

  it('rejects an event that fails its schema before looking anything up or sending', async () => {
    const broken = { ...events.paid(), detail: { ...events.paid().detail, total: { amount: 'lots', currency: 'USD' } } };
    await expect(handler(snsEvent(broken))).rejects.toBeInstanceOf(InvalidEventError);
    await expect(handler(snsEvent({ type: 'OrderShipped' }))).rejects.toThrow(/not an event envelope/);
    expect(lambda.calls()).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('fails, and releases its claim, when SES refuses the e-mail, so that Lambda retries it', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    ddb.on(GetCommand).resolves({});
    await expect(handler(snsEvent(events.paid()))).rejects.toMatchObject({ name: 'MessageRejected' });
    expect(ddb.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key)).toEqual([{ notificationId: `${events.paid().id}#email` }]);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });

  it('fails when user-service does not know the customer', async () => {
    lambda.on(InvokeCommand).resolves(contactAnswer({ errorType: 'UserNotFound', errorMessage: 'no user user-ann' }, 'Unhandled'));
    await expect(handler(snsEvent(events.paid()))).rejects.toThrow(/get-contact failed with UserNotFound/);
    expect(ses.calls()).toHaveLength(0);
  });
});
