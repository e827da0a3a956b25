import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientOptions, memo } from './client-options';

/** The DynamoDB document client: plain JS values in and out, `undefined` attributes dropped. */
export const dynamoDocumentClient = memo(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
