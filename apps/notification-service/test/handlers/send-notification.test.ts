import { LambdaClient, InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { lambdaContext } from '@shop/testing';
import { InvalidEventError } from '@shop/events';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/handlers/send-notification';
import { ANN, events, snsEvent } from '../fixtures';

const lambda = mockClient(LambdaClient);
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const ddb = mockClient(DynamoDBClient);
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
  ddb.on(PutItemCommand).resolves({});
  ddb.on(UpdateItemCommand).resolves({});
  ddb.on(DeleteItemCommand).resolves({});
});
afterEach(() => vi.unstubAllEnvs());
afterAll(() => [lambda, ses, sns, ddb].forEach((m) => m.restore()));

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

  it('rejects an event that fails its schema before looking anything up or sending', async () => {
    const broken = { ...events.paid(), detail: { ...events.paid().detail, total: { amount: 'lots', currency: 'USD' } } };
    await expect(handler(snsEvent(broken), lambdaContext('send-notification'))).rejects.toBeInstanceOf(InvalidEventError);
    await expect(handler(snsEvent({ type: 'OrderShipped' }), lambdaContext('send-notification'))).rejects.toThrow(/not an event envelope/);
    expect(lambda.calls()).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('fails, and forgets the send, when SES refuses the e-mail, so that Lambda retries it', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    await expect(handler(snsEvent(events.paid()), lambdaContext('send-notification'))).rejects.toMatchObject({ name: 'MessageRejected' });
    // The record of the failed send is deleted, so that Lambda's retry sends it.
    expect(ddb.commandCalls(DeleteItemCommand)).toHaveLength(1);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });

  it('fails when user-service does not know the customer', async () => {
    lambda.on(InvokeCommand).resolves(contactAnswer({ errorType: 'UserNotFound', errorMessage: 'no user user-ann' }, 'Unhandled'));
    await expect(handler(snsEvent(events.paid()), lambdaContext('send-notification'))).rejects.toThrow(/get-contact failed with UserNotFound/);
    expect(ses.calls()).toHaveLength(0);
  });
});
