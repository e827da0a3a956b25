import type { AttributeValue, DynamoDBStreamEvent, EventBridgeEvent, SNSEvent, SQSEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';

/**
 * The shapes of the events AWS hands a Lambda, as zod schemas that the compiler holds to
 * @types/aws-lambda (each is declared as a `z.ZodType` of AWS's type): a sample event that parses
 * here is one AWS could send. Stricter than the types where AWS always sends a field (a stream
 * record's `eventName`, a record's `eventSource`).
 */

const text = z.string().min(1);
const stringMap = z.record(z.string(), z.string());

export const ApiGatewayV2Event: z.ZodType<APIGatewayProxyEventV2> = z.object({
  version: z.literal('2.0'),
  routeKey: text,
  rawPath: z.string().startsWith('/'),
  rawQueryString: z.string(),
  cookies: z.array(z.string()).optional(),
  headers: stringMap,
  queryStringParameters: stringMap.optional(),
  pathParameters: stringMap.optional(),
  stageVariables: stringMap.optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean(),
  requestContext: z.object({
    accountId: text,
    apiId: text,
    domainName: text,
    domainPrefix: text,
    http: z.object({ method: text, path: text, protocol: text, sourceIp: text, userAgent: z.string() }),
    requestId: text,
    routeKey: text,
    stage: text,
    time: text,
    timeEpoch: z.number(),
  }),
});

export const SqsEvent: z.ZodType<SQSEvent> = z.object({
  Records: z
    .array(
      z.object({
        messageId: text,
        receiptHandle: text,
        body: z.string(),
        attributes: z.object({ ApproximateReceiveCount: text, SentTimestamp: text, SenderId: text, ApproximateFirstReceiveTimestamp: text }),
        messageAttributes: z.record(z.string(), z.object({ dataType: text, stringValue: z.string().optional() })),
        md5OfBody: text,
        eventSource: z.literal('aws:sqs'),
        eventSourceARN: z.string().startsWith('arn:aws:sqs:'),
        awsRegion: text,
      }),
    )
    .min(1),
});

export const SnsEvent: z.ZodType<SNSEvent> = z.object({
  Records: z
    .array(
      z.object({
        EventVersion: text,
        EventSubscriptionArn: z.string().startsWith('arn:aws:sns:'),
        EventSource: z.literal('aws:sns'),
        Sns: z.object({
          SignatureVersion: text,
          Timestamp: z.iso.datetime(),
          Signature: text,
          SigningCertUrl: text,
          MessageId: text,
          Message: z.string(),
          MessageAttributes: z.record(z.string(), z.object({ Type: text, Value: z.string() })),
          Type: z.literal('Notification'),
          UnsubscribeUrl: text,
          TopicArn: z.string().startsWith('arn:aws:sns:'),
          Subject: z.string().optional(),
        }),
      }),
    )
    .min(1),
});

const ATTRIBUTE_TYPES = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'];
/** One DynamoDB attribute value: exactly one type key (`{ S: 'x' }`, `{ M: { … } }`). */
const attributeValue = z.custom<AttributeValue>(
  (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 1 && ATTRIBUTE_TYPES.includes(Object.keys(v)[0] as string),
  'a DynamoDB attribute value such as { "S": "x" }',
);
const image = z.record(z.string(), attributeValue);

export const DynamoDbStreamEvent: z.ZodType<DynamoDBStreamEvent> = z.object({
  Records: z
    .array(
      z.object({
        eventID: text,
        eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
        eventVersion: text,
        eventSource: z.literal('aws:dynamodb'),
        awsRegion: text,
        eventSourceARN: z.string().regex(/^arn:aws:dynamodb:[^:]+:\d{12}:table\/[^/]+\/stream\/.+$/),
        dynamodb: z.object({
          ApproximateCreationDateTime: z.number(),
          Keys: image,
          NewImage: image.optional(),
          OldImage: image.optional(),
          SequenceNumber: text,
          SizeBytes: z.int().min(1),
          StreamViewType: z.enum(['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES']),
        }),
      }),
    )
    .min(1),
});

export const EventBridgeEventShape: z.ZodType<EventBridgeEvent<string, unknown>> = z.object({
  version: z.literal('0'),
  id: text,
  'detail-type': text,
  source: text,
  account: z.string().regex(/^\d{12}$/),
  time: z.iso.datetime(),
  region: text,
  resources: z.array(z.string()),
  detail: z.unknown(),
});
