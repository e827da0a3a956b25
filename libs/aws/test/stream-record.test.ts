import { describe, expect, it } from 'vitest';
import { lambdaStreamRecord } from '../src/stream-record';

const SOURCE = { streamArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2026-05-01T00:00:00.000', region: 'eu-west-1' };

describe('the Lambda stream record built from what GetRecords answers', () => {
  it('has the creation time in epoch seconds, binary attributes in base64, and the stream and region it came from', () => {
    const record = lambdaStreamRecord(
      {
        eventID: 'e-1',
        eventName: 'REMOVE',
        dynamodb: {
          ApproximateCreationDateTime: new Date('2026-05-01T10:00:00.900Z'),
          Keys: { id: { S: 'a' } },
          OldImage: {
            id: { S: 'a' },
            receipt: { B: new Uint8Array([1, 2, 255]) },
            receipts: { BS: [new Uint8Array([0])] },
            lines: { L: [{ M: { blob: { B: new Uint8Array([7]) }, n: { N: '2' } } }] },
            // DynamoDB Local's empty map.
            empty: {} as never,
          },
          SequenceNumber: '100',
          SizeBytes: 42,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
      },
      SOURCE,
    );

    expect(record).toEqual({
      eventID: 'e-1',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      eventSourceARN: SOURCE.streamArn,
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
      dynamodb: {
        ApproximateCreationDateTime: Date.parse('2026-05-01T10:00:00Z') / 1000,
        Keys: { id: { S: 'a' } },
        OldImage: {
          id: { S: 'a' },
          receipt: { B: 'AQL/' },
          receipts: { BS: ['AA=='] },
          lines: { L: [{ M: { blob: { B: 'Bw==' }, n: { N: '2' } } }] },
          empty: { M: {} },
        },
        SequenceNumber: '100',
        SizeBytes: 42,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    // What Lambda sends is JSON: the record survives being sent.
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });
});
