import {
  CreateTopicCommand,
  InvalidParameterException,
  NotFoundException,
  PublishCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ListeningServer } from '../src/http-server';
import { LOCAL_AWS } from '../src/local-aws';
import { Outbox } from '../src/outbox';
import { LocalSns } from '../src/sns/local-sns';
import { startSnsApi } from '../src/sns/sns-api';

/**
 * The local SNS on its own, through the SDK's SNSClient, unmodified: Lambda subscribers are
 * fakes that record the events they get; SMS land in the outbox.
 */

const deliveries: { functionName: string; event: SNSEvent }[] = [];
const outbox = new Outbox();
const sns = new LocalSns({ outbox, deliverLambda: (functionName, event) => void deliveries.push({ functionName, event }) });
const topicArn = sns.createTopic('shop-test-notifications');
const emailSubscription = sns.subscribe(topicArn, 'shop-test-send-email');
const smsSubscription = sns.subscribe(topicArn, 'shop-test-send-sms', { filterPolicy: { channel: ['sms'] } });

let api: ListeningServer;
let client: SNSClient;

beforeAll(async () => {
  api = await startSnsApi(sns, { port: 0 });
  client = new SNSClient({ ...LOCAL_AWS, endpoint: api.url, maxAttempts: 1 });
});

afterAll(async () => {
  client.destroy();
  await api.close();
});

beforeEach(() => {
  deliveries.length = 0;
  outbox.clear();
});

describe('Publish to a topic through the SDK', () => {
  it('delivers the SNSEvent Lambda gets to each subscriber, one record per invocation', async () => {
    const { MessageId } = await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify({ orderId: 'o-1' }),
        MessageAttributes: { channel: { DataType: 'String', StringValue: 'email' } },
      }),
    );

    expect(MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(delivery?.functionName).toBe('shop-test-send-email');
    expect(delivery?.event).toEqual({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: emailSubscription,
          Sns: {
            Type: 'Notification',
            MessageId,
            TopicArn: topicArn,
            Subject: null,
            Message: '{"orderId":"o-1"}',
            Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
            SignatureVersion: '1',
            Signature: expect.any(String),
            SigningCertUrl: expect.stringMatching(/^https:\/\/sns\.us-east-1\.amazonaws\.com\/.+\.pem$/),
            UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${emailSubscription}`,
            MessageAttributes: { channel: { Type: 'String', Value: 'email' } },
          },
        },
      ],
    });
    expect(emailSubscription).toMatch(new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
  });

  it('fans one message out to every subscriber whose filter policy matches, with the subject', async () => {
    const { MessageId } = await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: 'Your order shipped',
        Message: 'o-2 is on its way',
        MessageAttributes: {
          channel: { DataType: 'String', StringValue: 'sms' },
          receipt: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );

    expect(deliveries.map((d) => d.functionName).sort()).toEqual(['shop-test-send-email', 'shop-test-send-sms']);
    for (const { event } of deliveries) {
      expect(event.Records).toHaveLength(1);
      expect(event.Records[0]?.Sns).toMatchObject({
        MessageId,
        Subject: 'Your order shipped',
        Message: 'o-2 is on its way',
        MessageAttributes: { channel: { Type: 'String', Value: 'sms' }, receipt: { Type: 'Binary', Value: 'AQID' } },
      });
    }
    const smsDelivery = deliveries.find((d) => d.functionName === 'shop-test-send-sms');
    expect(smsDelivery?.event.Records[0]?.EventSubscriptionArn).toBe(smsSubscription);
  });

  it('answers NotFoundException for a topic that does not exist', async () => {
    const publish = client.send(new PublishCommand({ TopicArn: sns.topicArn('no-such-topic'), Message: 'hello' }));
    await expect(publish).rejects.toBeInstanceOf(NotFoundException);
    await expect(publish).rejects.toMatchObject({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } });
    expect(deliveries).toEqual([]);
  });

  it('answers InvalidParameterException for an empty message', async () => {
    await expect(client.send(new PublishCommand({ TopicArn: topicArn, Message: '' }))).rejects.toBeInstanceOf(InvalidParameterException);
    expect(deliveries).toEqual([]);
  });
});

describe('SMS through the SDK', () => {
  it('puts a text message to a phone number in the outbox', async () => {
    const { MessageId } = await client.send(
      new PublishCommand({
        PhoneNumber: '+4915112345678',
        Message: 'Your order o-3 is paid.',
        MessageAttributes: { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'SHOP' } },
      }),
    );

    expect(outbox.list()).toEqual([
      {
        messageId: MessageId,
        channel: 'sms',
        from: 'SHOP',
        to: ['+4915112345678'],
        text: 'Your order o-3 is paid.',
        sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    expect(deliveries).toEqual([]);
  });

  it.each(['4915112345678', '+0123456', '+49 151 1234', '+1234567890123456'])(
    'refuses %s, which is no E.164 number, with InvalidParameterException',
    async (phoneNumber) => {
      const publish = client.send(new PublishCommand({ PhoneNumber: phoneNumber, Message: 'hello' }));
      await expect(publish).rejects.toBeInstanceOf(InvalidParameterException);
      await expect(publish).rejects.toMatchObject({ message: expect.stringContaining('PhoneNumber'), $metadata: { httpStatusCode: 400 } });
      expect(outbox.list()).toEqual([]);
    },
  );
});

it('answers an action it does not support with a clear InvalidAction error', async () => {
  await expect(client.send(new CreateTopicCommand({ Name: 'made-at-runtime' }))).rejects.toMatchObject({
    name: 'InvalidAction',
    message: expect.stringContaining('CreateTopic'),
  });
});
