import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { requireEnv } from '@shop/common';
import { queueUrlEnvVar } from '@shop/platform';
import { sqsClient } from '@shop/aws';
import type { DynamoDBRecord } from 'aws-lambda';

/** The stream mapping's on-failure queue (manifest: `onFailure`), which the function is told the URL of. */
export const UNPUBLISHED_CHANGES_REF = 'order-events/unpublished-changes';
export const UNPUBLISHED_CHANGES_URL_ENV = queueUrlEnvVar(UNPUBLISHED_CHANGES_REF);

/** What marks a message of this function's own in the queue, beside Lambda's batch pointers. */
export const POISON_RECORD_KIND = 'poison-record';

export interface PoisonRecords {
  keep(record: DynamoDBRecord, error: unknown): Promise<void>;
}

/**
 * Keeps a record of the orders stream that can never make a valid event in the dead-letter queue
 * whose alarm already watches this function: the whole record, images included, so that a person
 * can see what order-service wrote and replay it once that is mended. Lambda's own messages there
 * only say where a batch lay; these say `kind: poison-record` and carry the record itself.
 */
export function sqsPoisonRecords(options: { client?: () => SQSClient; queueUrl?: () => string } = {}): PoisonRecords {
  const client = options.client ?? sqsClient;
  const queueUrl = options.queueUrl ?? (() => requireEnv(UNPUBLISHED_CHANGES_URL_ENV));
  return {
    async keep(record, error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await client().send(
        new SendMessageCommand({
          QueueUrl: queueUrl(),
          MessageBody: JSON.stringify({ kind: POISON_RECORD_KIND, reason, keptAt: new Date().toISOString(), record }),
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: POISON_RECORD_KIND },
            sequenceNumber: { DataType: 'String', StringValue: record.dynamodb?.SequenceNumber ?? 'unknown' },
          },
        }),
      );
    },
  };
}
