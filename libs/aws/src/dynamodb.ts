import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientOptions, memo } from './client-options';

/** The plain DynamoDB client, for libraries that take one (Powertools' idempotency). */
export const dynamoClient = memo(() => new DynamoDBClient(clientOptions()));

/** The DynamoDB document client: plain JS values in and out, `undefined` attributes dropped. */
export const dynamoDocumentClient = memo(() =>
  DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
