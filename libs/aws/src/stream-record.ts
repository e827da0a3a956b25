import type { AttributeValue as SdkAttributeValue, _Record as SdkStreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, StreamRecord } from 'aws-lambda';

/**
 * The record of a DynamoDBStreamEvent that Lambda builds from a stream record, from what the SDK's
 * GetRecords answers: the same fields, but the creation time in epoch seconds (the SDK makes it a
 * Date), binary attributes as base64 (the SDK makes them bytes), the mapping's region (DynamoDB
 * Local says `ddblocal`) and the stream's ARN as `eventSourceARN`. For the code that reads a
 * stream and hands it to a function as Lambda would: the local cloud's stream poller, and
 * `npm run replay-stream` (tools/ops).
 */

export interface StreamSource {
  streamArn: string;
  region: string;
}

export function lambdaStreamRecord(record: SdkStreamRecord, source: StreamSource): DynamoDBRecord {
  const change = record.dynamodb ?? {};
  const dynamodb: StreamRecord = {
    ...(change.ApproximateCreationDateTime && { ApproximateCreationDateTime: Math.floor(change.ApproximateCreationDateTime.getTime() / 1000) }),
    ...(change.Keys && { Keys: lambdaImage(change.Keys) }),
    ...(change.NewImage && { NewImage: lambdaImage(change.NewImage) }),
    ...(change.OldImage && { OldImage: lambdaImage(change.OldImage) }),
    ...(change.SequenceNumber !== undefined && { SequenceNumber: change.SequenceNumber }),
    ...(change.SizeBytes !== undefined && { SizeBytes: change.SizeBytes }),
    ...(change.StreamViewType && { StreamViewType: change.StreamViewType }),
  };
  return {
    ...(record.eventID !== undefined && { eventID: record.eventID }),
    ...(record.eventName && { eventName: record.eventName }),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: source.region,
    dynamodb,
    eventSourceARN: source.streamArn,
    // Present for deletions by TTL: `{type: 'Service', principalId: 'dynamodb.amazonaws.com'}`.
    ...(record.userIdentity && { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }),
  };
}

function lambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, lambdaAttribute(value)]));
}

function lambdaAttribute(value: SdkAttributeValue): AttributeValue {
  // DynamoDB Local writes an empty map in a stream record as `{}` where DynamoDB writes
  // `{"M":{}}`; a value with no type at all can only be that, and Lambda hands on `{"M":{}}`.
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: lambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(lambdaAttribute) };
  // The other types (S, N, BOOL, NULL, SS, NS) are JSON already.
  return value as AttributeValue;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
