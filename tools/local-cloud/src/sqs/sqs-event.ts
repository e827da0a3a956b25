import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttribute, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

/**
 * The SQSEvent record Lambda builds from a received message: camel-cased fields, the system
 * attributes under `attributes` (all strings), and message attributes in Lambda's own shape
 * (`stringValue` / `binaryValue` as base64, empty list values, `dataType`).
 */

export interface RecordSource {
  queueArn: string;
  region: string;
}

/**
 * @param receiveCount the count the event source mapping keeps (see queue-poller.ts), which
 *   replaces the emulator's: local-aws-sqs also counts visibility changes as receives.
 */
export function sqsRecord(message: Message, source: RecordSource, receiveCount: number): SQSRecord {
  const system = message.Attributes ?? {};
  const now = String(Date.now());
  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ...system,
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: system['SentTimestamp'] ?? now,
      SenderId: system['SenderId'] ?? 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: system['ApproximateFirstReceiveTimestamp'] || now,
    },
    messageAttributes: lambdaMessageAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

function lambdaMessageAttributes(attributes: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const converted: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    const attribute: SQSMessageAttribute = {
      stringListValues: [],
      binaryListValues: [],
      dataType: value.DataType ?? 'String',
    };
    if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
    if (value.BinaryValue !== undefined) attribute.binaryValue = bytesOf(value.BinaryValue).toString('base64');
    converted[name] = attribute;
  }
  return converted;
}

/**
 * The message attributes of a received message, fit to send again (to the dead-letter queue).
 * Binary values come back from local-aws-sqs as an object of byte indexes; they are bytes again here.
 */
export function sendableMessageAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): Record<string, MessageAttributeValue> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(attributes).map(([name, { DataType, StringValue, BinaryValue }]) => [
      name,
      {
        DataType,
        ...(StringValue !== undefined && { StringValue }),
        ...(BinaryValue !== undefined && { BinaryValue: new Uint8Array(bytesOf(BinaryValue)) }),
      },
    ]),
  );
}

function bytesOf(value: unknown): Buffer {
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  if (typeof value === 'object' && value !== null) return Buffer.from(Object.values(value) as number[]);
  return Buffer.alloc(0);
}
