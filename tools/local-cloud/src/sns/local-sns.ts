import { randomBytes, randomUUID } from 'node:crypto';
import type { EventPattern } from '@shop/platform';
import type { SNSEvent, SNSMessageAttributes } from 'aws-lambda';
import { matchesPattern, patternProblems } from '../eventbridge/event-pattern';
import { DEFAULT_REGION, LOCAL_ACCOUNT_ID } from '../lambda-runtime';
import type { Outbox } from '../outbox';

/**
 * SNS on this machine: standard topics with Lambda subscriptions, and SMS to a phone number,
 * which lands in the outbox. Publish answers at once; each subscriber then gets its own
 * asynchronous invoke with a one-record SNSEvent, as SNS delivers to Lambda.
 *
 * Left out: FIFO topics, subscriptions other than Lambda (SQS, HTTP, e-mail), raw delivery,
 * `MessageStructure: json` (refused, not ignored), signatures (the event carries a placeholder
 * that no verifier accepts), and filter policies with `FilterPolicyScope: MessageBody`.
 */

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64, as it travels in the Query protocol. */
  BinaryValue?: string;
}

export interface PublishInput {
  TopicArn?: string;
  /** SNS takes TargetArn for a topic too. */
  TargetArn?: string;
  PhoneNumber?: string;
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, MessageAttributeValue>;
}

export interface Subscription {
  subscriptionArn: string;
  topicArn: string;
  functionName: string;
  /** SNS filter policy on message attributes (`FilterPolicyScope: MessageAttributes`). */
  filterPolicy?: EventPattern;
}

export interface LocalSnsOptions {
  /** An asynchronous invoke; its retries are the invoker's job, as with Lambda's own async retries. */
  deliverLambda: (functionName: string, event: SNSEvent) => void;
  /** Where SMS go. */
  outbox: Outbox;
  region?: string;
  log?: (line: string) => void;
}

/** An SNS error the Query protocol answers, with its code (`NotFound`) and HTTP status. */
export class SnsError extends Error {
  constructor(
    readonly code: 'InvalidParameter' | 'NotFound' | 'InvalidAction' | 'AuthorizationError',
    message: string,
    readonly status = code === 'NotFound' ? 404 : 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** SNS's limit on a message, for every protocol. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
const E164 = /^\+[1-9]\d{1,14}$/;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
/** The attribute SNS reads an SMS sender id from. */
const SMS_SENDER_ID = 'AWS.SNS.SMS.SenderID';

export class LocalSns {
  /** Publishes taken, to a topic and as SMS: what SNS bills (the usage meter reads them). */
  readonly published = { topic: 0, sms: 0 };
  private readonly topics = new Map<string, Subscription[]>();
  private readonly region: string;
  private readonly log: (line: string) => void;

  constructor(private readonly options: LocalSnsOptions) {
    this.region = options.region ?? DEFAULT_REGION;
    this.log = options.log ?? (() => undefined);
  }

  /** CreateTopic: idempotent; answers the ARN. */
  createTopic(name: string): string {
    if (!TOPIC_NAME.test(name)) throw new SnsError('InvalidParameter', `Invalid parameter: Topic Name ${name}`);
    const arn = this.topicArn(name);
    if (!this.topics.has(arn)) this.topics.set(arn, []);
    return arn;
  }

  topicArn(name: string): string {
    return `arn:aws:sns:${this.region}:${LOCAL_ACCOUNT_ID}:${name}`;
  }

  /** Subscribes a function to a topic; answers the subscription ARN (`<topic ARN>:<uuid>`). */
  subscribe(topicArn: string, functionName: string, options: { filterPolicy?: EventPattern } = {}): string {
    const subscriptions = this.subscriptionsOf(topicArn);
    if (options.filterPolicy) {
      const problems = patternProblems(options.filterPolicy);
      if (problems.length > 0) throw new SnsError('InvalidParameter', `Invalid parameter: FilterPolicy: ${problems.join('; ')}`);
    }
    const subscriptionArn = `${topicArn}:${randomUUID()}`;
    subscriptions.push({ subscriptionArn, topicArn, functionName, ...(options.filterPolicy && { filterPolicy: options.filterPolicy }) });
    return subscriptionArn;
  }

  subscriptions(topicArn: string): Subscription[] {
    return [...this.subscriptionsOf(topicArn)];
  }

  publish(input: PublishInput): { MessageId: string } {
    const message = input.Message;
    if (!message) throw new SnsError('InvalidParameter', 'Invalid parameter: Empty message');
    if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) throw new SnsError('InvalidParameter', 'Invalid parameter: Message too long');
    if (input.MessageStructure) {
      throw new SnsError('InvalidParameter', `Invalid parameter: MessageStructure ${input.MessageStructure} is not supported by the local SNS`);
    }
    if (input.Subject !== undefined && !/^[\x20-\x7e]{1,100}$/.test(input.Subject)) {
      throw new SnsError('InvalidParameter', 'Invalid parameter: Subject');
    }
    const topicArn = input.TopicArn ?? input.TargetArn;
    if (topicArn && input.PhoneNumber) {
      throw new SnsError('InvalidParameter', 'Invalid parameter: Message destination: give exactly one of TopicArn, TargetArn or PhoneNumber');
    }
    const MessageId = randomUUID();
    this.published[input.PhoneNumber !== undefined ? 'sms' : 'topic'] += 1;
    if (input.PhoneNumber !== undefined) {
      this.sendSms(MessageId, input.PhoneNumber, message, input.MessageAttributes);
    } else if (topicArn) {
      this.fanOut(MessageId, topicArn, { ...input, Message: message });
    } else {
      throw new SnsError('InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    }
    return { MessageId };
  }

  private sendSms(messageId: string, phoneNumber: string, text: string, attributes: PublishInput['MessageAttributes']): void {
    if (!E164.test(phoneNumber)) {
      throw new SnsError('InvalidParameter', `Invalid parameter: PhoneNumber Reason: ${phoneNumber} is not valid to publish to`);
    }
    const from = attributes?.[SMS_SENDER_ID]?.StringValue;
    this.options.outbox.add({ messageId, channel: 'sms', to: [phoneNumber], text, ...(from && { from }) });
    this.log(`SMS ${messageId} to ${phoneNumber}`);
  }

  private fanOut(messageId: string, topicArn: string, input: PublishInput & { Message: string }): void {
    const subscriptions = this.subscriptionsOf(topicArn);
    const attributes = lambdaMessageAttributes(input.MessageAttributes);
    const timestamp = new Date().toISOString();
    let delivered = 0;
    for (const subscription of subscriptions) {
      if (subscription.filterPolicy && !matchesPattern(subscription.filterPolicy, filterableAttributes(input.MessageAttributes))) continue;
      delivered++;
      const event = {
        Records: [
          {
            EventSource: 'aws:sns',
            EventVersion: '1.0',
            EventSubscriptionArn: subscription.subscriptionArn,
            Sns: {
              Type: 'Notification',
              MessageId: messageId,
              TopicArn: topicArn,
              // SNS sends null; @types/aws-lambda says `Subject?: string`, hence the cast below.
              Subject: input.Subject ?? null,
              Message: input.Message,
              Timestamp: timestamp,
              SignatureVersion: '1',
              Signature: randomBytes(256).toString('base64'),
              SigningCertUrl: `https://sns.${this.region}.amazonaws.com/SimpleNotificationService-local.pem`,
              UnsubscribeUrl: `https://sns.${this.region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscription.subscriptionArn}`,
              MessageAttributes: attributes,
            },
          },
        ],
      } as unknown as SNSEvent;
      try {
        this.options.deliverLambda(subscription.functionName, event);
      } catch (error) {
        this.log(`${topicArn} → ${subscription.functionName}: delivery failed: ${(error as Error).message}`);
      }
    }
    this.log(`${topicArn}: message ${messageId} → ${delivered} of ${subscriptions.length} subscriber(s)`);
  }

  private subscriptionsOf(topicArn: string): Subscription[] {
    if (!TOPIC_ARN.test(topicArn)) throw new SnsError('InvalidParameter', 'Invalid parameter: TopicArn');
    const subscriptions = this.topics.get(topicArn);
    if (!subscriptions) throw new SnsError('NotFound', 'Topic does not exist');
    return subscriptions;
  }
}

/** Message attributes as Lambda's SNSEvent carries them: `{Type, Value}`, binary values in base64. */
function lambdaMessageAttributes(attributes: PublishInput['MessageAttributes']): SNSMessageAttributes {
  const converted: SNSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    converted[name] = { Type: value.DataType, Value: value.BinaryValue ?? value.StringValue ?? '' };
  }
  return converted;
}

/**
 * The attributes a filter policy sees: strings, numbers as numbers, `String.Array` as its
 * elements; binary attributes are not filterable, as in SNS.
 */
function filterableAttributes(attributes: PublishInput['MessageAttributes']): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, { DataType, StringValue }] of Object.entries(attributes ?? {})) {
    if (StringValue === undefined || DataType.startsWith('Binary')) continue;
    if (DataType.startsWith('Number')) values[name] = Number(StringValue);
    else if (DataType === 'String.Array') values[name] = parseArray(StringValue);
    else values[name] = StringValue;
  }
  return values;
}

function parseArray(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : text;
  } catch {
    return text;
  }
}
